/**
 * Tab and Shift+Tab inside a modal dialog: focus wraps around its own
 * controls. Without it Tab left the "Lines around" dialog (one button) for
 * the page under the overlay, where nothing can be seen or clicked.
 */
const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function keepTabInside(e: KeyboardEvent, box: HTMLElement | null): void {
  if (e.key !== 'Tab' || !box) return;
  const items = [...box.querySelectorAll<HTMLElement>(FOCUSABLE)];
  if (items.length === 0) return;
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const at = document.activeElement;
  const inside = at instanceof Node && box.contains(at);
  if (e.shiftKey ? at === first || !inside : at === last || !inside) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  }
}
