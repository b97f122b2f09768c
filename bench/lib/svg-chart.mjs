/**
 * A horizontal grouped bar chart as a standalone SVG (no dependencies), for
 * BENCHMARKS.md: one group per question, one bar per system.
 */
const COLORS = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * groups: [{ label, bars: [{ series, value }] }]; log scale when values span
 * more than two orders of magnitude.
 */
export function barChart({ title, unit, groups }) {
  const series = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.series)))];
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0);
  const max = Math.max(...values, 1);
  const min = Math.min(...values, max);
  const log = max / min > 100;
  const scale = (v) => {
    if (v <= 0) return 0;
    return log ? (Math.log10(v / min) + 0.3) / (Math.log10(max / min) + 0.3) : v / max;
  };
  const labelW = 260;
  const plotW = 420;
  const barH = 14;
  const gap = 10;
  let y = 50;
  const parts = [];
  for (const g of groups) {
    parts.push(`<text x="8" y="${y + 11}" font-size="12">${esc(g.label)}</text>`);
    for (const b of g.bars) {
      const si = series.indexOf(b.series);
      const w = Math.max(1, scale(b.value) * plotW);
      parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${COLORS[si % COLORS.length]}"/>`);
      parts.push(`<text x="${labelW + w + 4}" y="${y + 10}" font-size="10">${esc(fmt(b.value))} ${esc(unit)}</text>`);
      y += barH;
    }
    y += gap;
  }
  const legend = series
    .map((s, i) => `<rect x="${labelW + i * 200}" y="26" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${labelW + 14 + i * 200}" y="35" font-size="11">${esc(s)}</text>`)
    .join('');
  const h = y + 20;
  const width = Math.max(labelW + plotW + 120, labelW + series.length * 200 + 20);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="18" font-size="14" font-weight="bold">${esc(title)}${log ? ' (log scale)' : ''}</text>
${legend}
${parts.join('\n')}
</svg>
`;
}

export function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (v >= 1000) return Math.round(v).toLocaleString('en-US');
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
