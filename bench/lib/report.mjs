// Renders the comparison rows as a text table for the terminal and as an SVG chart.
import { describeTarget } from './summary.mjs';

function formatNumber(value) {
  if (value === null || value === undefined) return '';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function verdict(row) {
  if (row.met === null) return '';
  if (row.target?.levelsOff) return row.met ? 'levels off' : 'STILL GROWS';
  return row.met ? 'met' : 'NOT MET';
}

/** Returns the rows as an aligned plain-text table. */
export function renderTable(rows) {
  const header = ['section', 'metric', 'jwtlib', 'peer', 'peer value', 'jwtlib/peer', 'better', 'target', 'result', 'detail'];
  const lines = rows.map((row) => [
    row.section,
    row.metric,
    `${formatNumber(row.jwtlib)} ${row.unit}`,
    row.peer ?? '',
    row.peerValue === null ? '' : `${formatNumber(row.peerValue)} ${row.unit}`,
    row.ratio === null ? '' : `${row.ratio.toFixed(2)}x`,
    row.ratio === null ? '' : row.better,
    describeTarget(row.target, row.unit),
    verdict(row),
    row.detail ?? '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const format = (cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)].join('\n');
}

function escapeXml(text) {
  return String(text).replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]);
}

/**
 * Computes how many times better jwtlib is than the reference of a row (above 1 is
 * better) and the factor its target requires, both on the same scale.
 */
function advantage(row) {
  if (row.target?.maxValue !== undefined) {
    return { value: row.target.maxValue / row.jwtlib, required: 1, reference: `limit ${row.target.maxValue} ${row.unit}` };
  }
  if (row.ratio === null) return null;
  const value = row.better === 'higher' ? row.ratio : 1 / row.ratio;
  let required = null;
  if (row.target?.min !== undefined) required = row.target.min;
  if (row.target?.max !== undefined) required = 1 / row.target.max;
  return { value, required, reference: row.peer };
}

/**
 * Draws one horizontal bar per row on a log2 scale of jwtlib's advantage. A bar right of
 * the 1x line means jwtlib is faster or smaller, and a bar left of it means jwtlib is
 * behind. A black tick marks the factor the target requires.
 */
export function renderSvg(rows, meta) {
  const scaleLimit = 6; // log2 of the widest factor drawn: 64x either way
  const labelWidth = 430;
  const chartWidth = 420;
  const valueWidth = 190;
  const rowHeight = 24;
  const top = 78;
  const width = labelWidth + chartWidth + valueWidth;
  const height = top + rows.length * rowHeight + 60;
  const center = labelWidth + chartWidth / 2;
  const x = (factor) => {
    const log = Math.max(-scaleLimit, Math.min(scaleLimit, Math.log2(factor)));
    return center + (log / scaleLimit) * (chartWidth / 2);
  };

  const parts = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="10" y="22" font-size="16" font-weight="bold">jwtlib against its peers: how many times better (log scale)</text>`);
  parts.push(`<text x="10" y="42" fill="#444">${escapeXml(meta.subtitle)}</text>`);
  for (let power = -scaleLimit; power <= scaleLimit; power += 2) {
    const position = x(2 ** power);
    const label = power >= 0 ? `${2 ** power}x` : `1/${2 ** -power}`;
    parts.push(`<line x1="${position}" y1="${top - 8}" x2="${position}" y2="${top + rows.length * rowHeight}" stroke="${power === 0 ? '#000' : '#ddd'}"/>`);
    parts.push(`<text x="${position}" y="${top - 12}" text-anchor="middle" fill="#444">${label}</text>`);
  }

  rows.forEach((row, index) => {
    const y = top + index * rowHeight;
    const label = `${row.section}: ${row.metric}${row.peer ? ` vs ${row.peer}` : ''}`;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escapeXml(label)}</text>`);
    const factor = advantage(row);
    if (factor === null) {
      const text = row.target?.levelsOff ? `${row.met ? 'levels off' : 'still grows'} at ${formatNumber(row.jwtlib)} MiB` : '';
      parts.push(`<text x="${center + 6}" y="${y + 16}" fill="${row.met === false ? '#c62828' : '#2e7d32'}">${escapeXml(text)}</text>`);
      return;
    }
    let color = factor.value >= 1 ? '#64b5f6' : '#ffb74d';
    if (row.met === true) color = '#43a047';
    if (row.met === false) color = '#e53935';
    const end = x(factor.value);
    parts.push(`<rect x="${Math.min(center, end)}" y="${y + 5}" width="${Math.max(1, Math.abs(end - center))}" height="${rowHeight - 10}" fill="${color}"/>`);
    if (factor.required !== null) {
      const tick = x(factor.required);
      parts.push(`<line x1="${tick}" y1="${y + 2}" x2="${tick}" y2="${y + rowHeight - 2}" stroke="#000" stroke-width="2"/>`);
    }
    const valueLabel = row.ratio === null
      ? `${formatNumber(row.jwtlib)} ${row.unit} (${describeTarget(row.target, row.unit)})`
      : `${row.ratio.toFixed(2)}x ${row.unit === 'ops/s' || row.unit === 'req/s' ? 'throughput' : row.unit === 'KiB' ? 'size' : 'time'}`;
    parts.push(`<text x="${labelWidth + chartWidth + 8}" y="${y + 16}">${escapeXml(valueLabel)}</text>`);
  });

  const legendY = top + rows.length * rowHeight + 24;
  const legend = [
    ['#43a047', 'target met'],
    ['#e53935', 'target not met'],
    ['#64b5f6', 'no target, jwtlib ahead'],
    ['#ffb74d', 'no target, jwtlib behind'],
  ];
  legend.forEach(([color, text], index) => {
    const legendX = 10 + index * 200;
    parts.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${color}"/>`);
    parts.push(`<text x="${legendX + 18}" y="${legendY}">${text}</text>`);
  });
  parts.push(`<text x="${10 + legend.length * 200}" y="${legendY}">| black tick: target</text>`);
  parts.push(`<text x="10" y="${legendY + 22}" fill="#444">Right column: jwtlib/peer ratio in the row's own unit. Figures in bench/results/latest.json.</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
