import { useEffect } from 'preact/hooks';

/**
 * The History and Download menus close on Escape or a click outside them,
 * as the time picker does; a <details> stays open until its own summary is clicked.
 */
export function useMenuDismiss(): void {
  useEffect(() => {
    const close = (e: Event) => {
      for (const menu of document.querySelectorAll<HTMLDetailsElement>('details.history[open], details.export[open]')) {
        if (e instanceof KeyboardEvent ? e.key === 'Escape' : !menu.contains(e.target as Node)) {
          menu.open = false;
          if (e instanceof KeyboardEvent && menu.contains(document.activeElement)) menu.querySelector('summary')?.focus();
        }
      }
    };
    document.addEventListener('keydown', close);
    document.addEventListener('mousedown', close);
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('mousedown', close);
    };
  }, []);
}
