/**
 * The query bar: a one-line CodeMirror editor with highlighting, completion
 * of field names and of a field's top values, the error mark, and Enter to
 * run. `/` anywhere on the page focuses it; ↓ goes into the completion list
 * (waiting for it while it is being asked for), else on to the results.
 */
import { acceptCompletion, autocompletion, closeCompletion, completionStatus, currentCompletions, insertCompletionText, moveCompletionSelection, startCompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { useEffect, useRef } from 'preact/hooks';
import { queryHighlighting, setErrorAt } from './query-highlight.js';
import { escapeField } from './query-text.js';

export interface QueryBarProps {
  /** Text the page puts in the bar; applied when valueKey changes. */
  value: string;
  valueKey: number;
  /** Offset of the current error, or null. */
  errorOffset: number | null;
  onRun: (q: string) => void;
  onChange: (q: string) => void;
  fieldNames: () => Promise<string[]>;
  fieldValues: (field: string) => Promise<string[]>;
  /** ↓ with no completion open: on to the results (false when there are none). */
  onDown?: () => boolean;
}

/**
 * A field picked from the list, then its values offered at once, as
 * Kibana's KQL bar does: they came only after a first character was typed.
 */
function applyField(view: EditorView, completion: Completion, from: number, to: number): void {
  view.dispatch(insertCompletionText(view.state, completion.label, from, to));
  startCompletion(view);
}

function quoteValue(v: string): string {
  return `"${v.replace(/(["\\])/g, '\\$1')}"`;
}

/** What may follow `field:` while its values are offered: the value typed so far, maybe opened with a quote. */
const VALUE_TYPED = /^"?[^\s()"]*$/;

/**
 * A field's values whose text holds what is typed after `field:`. Filtered
 * here, not by the editor: the inserted label is quoted, and `host:w`
 * should still offer "web-1". Typing on narrows the same list at once
 * (`update`): asked of the source again, the list was disabled for 100 ms
 * and more on each keystroke, its highlighted value shown but not taken,
 * so Enter then ran the query instead of taking it. The options are the
 * same objects from one keystroke to the next, which is how the editor
 * keeps the highlighted one highlighted.
 */
function valueResult(from: number, typed: string, all: readonly Completion[]): CompletionResult {
  const needle = typed.replace(/^"/, '').toLowerCase();
  return {
    from,
    filter: false,
    options: all.filter((c) => c.displayLabel!.toLowerCase().includes(needle)),
    update: (_current, at, to, ctx) => {
      const text = ctx.state.sliceDoc(at, to);
      return VALUE_TYPED.test(text) ? valueResult(at, text, all) : null;
    },
  };
}

export function QueryBar(props: QueryBarProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The editor is built once; callbacks read the latest props through this.
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    // ↓ pressed while the list for the text in the bar is still being asked
    // for (the fields API answers in tens of ms, more on a busy server): held
    // until the answer, then done as if pressed after it, as Kibana's KQL
    // bar and Grafana's editors do. Going on to the results at once left the
    // list to open afterwards over the rows, the bar no longer focused.
    let downWaiting = false;
    const down = (v: EditorView): boolean => {
      if (completionStatus(v.state) === 'pending') {
        downWaiting = true;
        return true;
      }
      return latest.current.onDown?.() ?? false;
    };
    const complete = async (ctx: CompletionContext): Promise<CompletionResult | null> => {
      const valueAt = ctx.matchBefore(/(?:\\.|[^\s:()"[\]{}\\])+:"?[^\s()"]*/);
      if (valueAt) {
        const colon = valueAt.text.indexOf(':');
        const field = valueAt.text.slice(0, colon).replace(/\\(.)/g, '$1');
        const values = await latest.current.fieldValues(field).catch(() => []);
        const all = values.map((v): Completion => ({ label: quoteValue(v), displayLabel: v, type: 'constant' }));
        return valueResult(valueAt.from + colon + 1, valueAt.text.slice(colon + 1), all);
      }
      const word = ctx.matchBefore(/[@\w.-]+/);
      if (!word || (word.from === word.to && !ctx.explicit)) return null;
      const names = await latest.current.fieldNames().catch(() => []);
      return {
        from: word.from,
        // Inserted escaped, so `a/b` completes to a field the parser reads back.
        options: names.map((n) => ({ label: `${escapeField(n)}:`, displayLabel: n, type: 'property', apply: applyField })),
        validFor: /^[@\w.-]*$/,
      };
    };
    const state = EditorState.create({
      doc: latest.current.value,
      extensions: [
        history(),
        // One line: pasted newlines become spaces.
        EditorState.transactionFilter.of((tr) => {
          if (!tr.docChanged || !tr.newDoc.toString().includes('\n')) return tr;
          const text = tr.newDoc.toString().replace(/\r?\n/g, ' ');
          return [tr, { changes: { from: 0, to: tr.newDoc.length, insert: text }, sequential: true }];
        }),
        // Enter runs the query unless the user moved into the completion list
        // (selectOnOpen: false leaves nothing selected until then). The list
        // closes: left open over the results, it took ↓ from them. It closes
        // after the run: closed first, the editor's DOM changed between the
        // new address and the page's render for it, so an observer of the
        // DOM saw the new query beside the old fields undimmed (never
        // painted, but the field-list test records every DOM change).
        keymap.of([
          { key: 'Enter', run: (v) => { latest.current.onRun(v.state.doc.toString()); closeCompletion(v); return true; } },
          // Tab takes the highlighted completion, as Enter does (Kibana's KQL
          // bar, Grafana's editors); with none highlighted it moves focus on.
          { key: 'Tab', run: acceptCompletion },
          // The completion list takes ↓ first while it is open. Closed, ↓ goes
          // to the first result: by Tab it was past every button and field.
          // While it is being asked for, ↓ waits for it (down).
          { key: 'ArrowDown', run: down },
          ...historyKeymap,
          ...defaultKeymap,
        ]),
        // No interactionDelay: the editor ignored ↑/↓ for 75 ms after the
        // list opened, so ↓ pressed as it appeared went past it to the
        // results. With nothing selected on open, no key takes a completion
        // the user has not moved to.
        autocompletion({ override: [complete], selectOnOpen: false, activateOnTyping: true, interactionDelay: 0 }),
        queryHighlighting,
        placeholder('Search: level:error AND host:web-1, "a phrase", status:>=500 … (press / to focus)'),
        EditorView.contentAttributes.of({ 'aria-label': 'Query', 'aria-multiline': 'false', spellcheck: 'false' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          if (!downWaiting) return;
          // Typed on or moved: the held ↓ was for text no longer there.
          if (u.docChanged || u.selectionSet) downWaiting = false;
          else if (completionStatus(u.state) !== 'pending') {
            downWaiting = false;
            // After this update: a command dispatches, which an update listener may not.
            setTimeout(() => {
              if (!u.view.hasFocus) return;
              if (currentCompletions(u.view.state).length > 0) moveCompletionSelection(true)(u.view);
              else latest.current.onDown?.();
            });
          }
        }),
        EditorView.lineWrapping,
        // A character typed over a selection replaces it here, not by the
        // browser's own editing: Chromium deleting a selection across the
        // highlighter's spans (one per field, operator, number) took 15 s
        // for a 3,000-character query and hung the tab on longer ones.
        EditorView.domEventHandlers({
          // Focus gone (Tab, a click) while the list is being asked for: it is
          // not wanted any more. The editor closes an open list on blur, but
          // one still asked for opened later over whatever had focus.
          blur(_e, v) {
            downWaiting = false;
            setTimeout(() => {
              if (!v.hasFocus && completionStatus(v.state) === 'pending') closeCompletion(v);
            });
            return false;
          },
          beforeinput(e, v) {
            if (e.inputType !== 'insertText' || e.data === null || v.state.selection.ranges.every((r) => r.empty)) return false;
            e.preventDefault();
            v.dispatch(v.state.replaceSelection(e.data), { userEvent: 'input.type', scrollIntoView: true });
            return true;
          },
        }),
      ],
    });
    const v = new EditorView({ state, parent: host.current! });
    view.current = v;
    const onSlash = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const editable = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      // Not from under an open dialog (context, token): the bar is behind it.
      const modal = document.querySelector('[aria-modal="true"]') !== null;
      if (e.key === '/' && !editable && !modal && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        v.focus();
        v.dispatch({ selection: { anchor: v.state.doc.length } });
      }
    };
    document.addEventListener('keydown', onSlash);
    return () => {
      document.removeEventListener('keydown', onSlash);
      v.destroy();
    };
  }, []);

  // Text set by the page (a filter click, history, back/forward). Keyed, not
  // compared with the text: a render that lags behind fast typing must not
  // put older text back.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== props.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
    }
  }, [props.valueKey]);

  // Only when the error changes: a dispatch on every keystroke (from inside
  // the render the editor's own change caused) re-enters its DOM observer.
  const shownError = useRef<number | null>(null);
  useEffect(() => {
    const v = view.current;
    if (!v || shownError.current === props.errorOffset) return;
    shownError.current = props.errorOffset;
    v.dispatch({ effects: setErrorAt.of(props.errorOffset) });
  }, [props.errorOffset]);

  return <div class="query-bar" ref={host} />;
}
