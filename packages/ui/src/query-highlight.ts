/**
 * Syntax highlighting of the query bar and the error mark at a position.
 * Highlighting is a small lexer over the text (it must colour half-typed
 * queries the parser rejects); errors come from the real parser.
 */
import { RangeSetBuilder, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view';

const TOKEN = new RegExp(
  [
    '(?<string>"(?:\\\\.|[^"\\\\])*"?)',
    '(?<regex>(?<=:)/(?:\\\\.|[^/\\\\])*/?)',
    '(?<field>(?:\\\\.|[^\\s:()"\\[\\]{}\\\\])+(?=:))',
    '(?<saved>@[A-Za-z][\\w-]*)',
    // A prefix operator only where a term starts (`-level:x`, not `web-1`).
    '(?<op>\\b(?:AND|OR|NOT|TO)\\b|&&|\\|\\||(?<![^\\s(])[-+!](?=\\S))',
    '(?<bracket>[()\\[\\]{}])',
    '(?<compare>[<>]=?)',
    '(?<number>(?<![\\w.-])-?\\d+(?:\\.\\d+)?(?![\\w.:-]))',
  ].join('|'),
  'g',
);

const marks: Record<string, Decoration> = Object.fromEntries(
  ['string', 'regex', 'field', 'saved', 'op', 'bracket', 'compare', 'number'].map((k) => [k, Decoration.mark({ class: `cm-ls-${k}` })]),
);

function highlight(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const text = view.state.doc.toString();
  for (const m of text.matchAll(TOKEN)) {
    const kind = Object.entries(m.groups ?? {}).find(([, v]) => v !== undefined)?.[0];
    if (!kind || m[0].length === 0) continue;
    builder.add(m.index, m.index + m[0].length, marks[kind]!);
  }
  return builder.finish();
}

const highlighter = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = highlight(view);
    }
    update(u: ViewUpdate): void {
      if (u.docChanged) this.decorations = highlight(u.view);
    }
  },
  { decorations: (v) => v.decorations },
);

/** Marks the character at an offset (the last one when the error is at the end). */
export const setErrorAt = StateEffect.define<number | null>();

const errorMark = Decoration.mark({ class: 'cm-ls-error', attributes: { 'data-error': 'true' } });

const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    for (const e of tr.effects) {
      if (!e.is(setErrorAt)) continue;
      const len = tr.state.doc.length;
      if (e.value === null || len === 0) return Decoration.none;
      const from = Math.max(0, Math.min(e.value, len - 1));
      return Decoration.set([errorMark.range(from, from + 1)]);
    }
    return tr.docChanged ? Decoration.none : deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export const queryHighlighting: Extension = [highlighter, errorField];
