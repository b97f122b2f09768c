/**
 * What the histogram draws as text, read as Chromium draws it: an init
 * script hooks the canvas's fillText and records each label's box twice,
 * in CSS pixels of the page (where it sits against the plot's element) and
 * in pixels of the canvas (whether the canvas cuts it). A full clearRect
 * starts a new drawing, so the record is the chart's last one.
 */
import type { Page } from 'playwright-core';

export interface CanvasLabel {
  text: string;
  /** The context's textAlign: the time axis's labels are centred, the count axis's are not. */
  align: string;
  /** The baseline, in canvas pixels. */
  y: number;
  /** Left and right edges in CSS pixels of the page. */
  pageLeft: number;
  pageRight: number;
  /** Left and right edges in canvas pixels, and the canvas's width. */
  canvasLeft: number;
  canvasRight: number;
  canvasWidth: number;
}

/** For page.addInitScript: records every non-blank label into window.__canvasLabels. */
export const RECORD_CANVAS_LABELS = `(() => {
  window.__canvasLabels = [];
  if (window.__canvasLabelsHooked) return;
  window.__canvasLabelsHooked = true;
  const clear = CanvasRenderingContext2D.prototype.clearRect;
  CanvasRenderingContext2D.prototype.clearRect = function (x, y, w, h) {
    if (w >= this.canvas.width && h >= this.canvas.height) window.__canvasLabels = [];
    return clear.call(this, x, y, w, h);
  };
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
    if (String(text).trim() !== '') {
      const w = this.measureText(String(text)).width;
      const start = this.textAlign === 'center' ? x - w / 2 : this.textAlign === 'right' ? x - w : x;
      const m = this.getTransform();
      const box = this.canvas.getBoundingClientRect();
      const k = box.width / this.canvas.width;
      const canvasLeft = m.a * start + m.e;
      const canvasRight = m.a * (start + w) + m.e;
      window.__canvasLabels.push({
        text: String(text), align: this.textAlign, y: Math.round(m.d * y + m.f),
        pageLeft: box.left + k * canvasLeft, pageRight: box.left + k * canvasRight,
        canvasLeft, canvasRight, canvasWidth: this.canvas.width,
      });
    }
    return fill.call(this, text, x, y, ...rest);
  };
})()`;

/** The labels of the chart's last drawing (RECORD_CANVAS_LABELS must have run in the page). */
export async function canvasLabels(page: Page): Promise<CanvasLabel[]> {
  return (await page.evaluate('window.__canvasLabels')) as CanvasLabel[];
}
