import { hasField, type FlatRecord } from '../flatten-fields.js';

// `{{`, `}}`, or a property token: `{Name}`, `{@Name}`, `{$Name}`, `{Name,-10}`, `{Name:l}`, `{Elapsed:0.00}`.
const TOKEN = /\{\{|\}\}|\{([@$]?)([A-Za-z0-9_]+)(?:,(-?\d+))?(?::([^{}]*))?\}/g;

/**
 * A Serilog message template rendered with the event's properties, as
 * Serilog renders `@m` (CLEF's `RenderedCompactJsonFormatter`) from `@mt`:
 * a string quoted (`"bob"`) unless its format is `l`, a number as written,
 * a boolean `True`/`False`, null `null`, padded to an alignment. The
 * `CompactJsonFormatter` most .NET services ship with writes only the
 * template, so the message would read `Checkout {OrderId} failed for
 * {User}`. A token whose property is missing or not a scalar (a
 * destructured object is flattened into `Name.*`) stays as written; .NET
 * format strings (`:0.00`) are not applied.
 */
export function renderMessageTemplate(template: string, fields: FlatRecord): string {
  return template.replace(TOKEN, (token: string, _hint: string | undefined, name: string | undefined, align: string | undefined, format: string | undefined) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    if (name === undefined || !hasField(fields, name)) return token;
    const value = fields[name];
    let text: string;
    if (typeof value === 'string') text = format === 'l' ? value : `"${value.replaceAll('"', '\\"')}"`;
    else if (typeof value === 'number') text = String(value);
    else if (typeof value === 'boolean') text = value ? 'True' : 'False';
    else if (value === null) text = 'null';
    else return token;
    if (align === undefined) return text;
    const width = Number(align);
    return width < 0 ? text.padEnd(-width) : text.padStart(width);
  });
}
