import { useLayoutEffect, useRef } from 'preact/hooks';
import { keepTabInside } from './focus-trap.js';

/**
 * What a modal dialog of the page does with the keyboard: it takes focus
 * (on its Close button) when it opens — the autofocus attribute is not
 * applied to an element added after the user has moved focus, so focus
 * stayed behind the overlay and Escape did nothing — keeps Tab inside it,
 * closes on Escape, and gives focus back to where it was when it closes.
 * Returns the refs to put on the dialog's box and its Close button.
 */
export function useDialog(onClose: () => void) {
  const box = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useLayoutEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
      }
      keepTabInside(e, box.current);
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return { box, closeButton };
}
