/**
 * Export of the whole diagram (every table with its columns, whatever the zoom) as a standalone SVG document with
 * its colours inlined, and as PNG by drawing that SVG onto a canvas.
 */
import { BOX, type ErGraph } from './er-model.js';
import { pathOf } from './ErCanvas.js';
import type { LayoutResult } from './layout-types.js';

const COLORS = {
  background: '#ffffff',
  box: '#ffffff',
  border: '#c9d1de',
  header: '#e8eefb',
  title: '#1b2330',
  text: '#1b2330',
  type: '#2f7dbd',
  pk: '#b7791f',
  fk: '#6b4fbb',
  edge: '#7a8699',
};

/** PNG pixels per diagram unit, lowered for large diagrams so the canvas stays within browser limits. */
const PNG_SCALE = 2;
const MAX_CANVAS_SIDE = 16_000;
const MAX_CANVAS_AREA = 120_000_000;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function diagramSvg(graph: ErGraph, layout: LayoutResult): string {
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="12">`,
    `<title>${escapeXml(`ER diagram of ${graph.schema}`)}</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS.edge}"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="${COLORS.background}"/>`,
    `<g fill="none" stroke="${COLORS.edge}" stroke-width="1.3">`,
  ];
  for (const edge of graph.edges) {
    const route = layout.routes[edge.id];
    if (route) parts.push(`<path d="${pathOf(route)}" marker-end="url(#arrow)"><title>${escapeXml(`${edge.name}: ${edge.fromTable}.${edge.fromColumn} → ${edge.toTable}.${edge.toColumn}`)}</title></path>`);
  }
  parts.push('</g>');
  for (const table of graph.tables) {
    const at = layout.positions[table.id];
    if (!at) continue;
    parts.push(
      `<g transform="translate(${at.x},${at.y})">`,
      `<rect width="${table.width}" height="${table.height}" rx="5" fill="${COLORS.box}" stroke="${COLORS.border}"/>`,
      `<path d="M0,5 a5,5 0 0 1 5,-5 h${table.width - 10} a5,5 0 0 1 5,5 v${BOX.headerHeight - 5} h${-table.width} z" fill="${COLORS.header}" stroke="${COLORS.border}"/>`,
      `<text x="${BOX.paddingX}" y="${BOX.headerHeight / 2 + 5}" font-weight="700" font-family="system-ui, sans-serif" font-size="13" fill="${COLORS.title}">${escapeXml(table.id)}</text>`,
    );
    table.columns.forEach((c, i) => {
      const y = BOX.headerHeight + i * BOX.rowHeight + BOX.rowHeight / 2 + 4;
      const key = c.primaryKey ? 'PK' : c.foreignKey ? 'FK' : '';
      if (key) parts.push(`<text x="${BOX.paddingX - 4}" y="${y}" font-size="9" font-weight="700" fill="${c.primaryKey ? COLORS.pk : COLORS.fk}">${key}</text>`);
      parts.push(
        `<text x="${BOX.paddingX + BOX.keyWidth - 4}" y="${y}" fill="${COLORS.text}">${escapeXml(c.name)}</text>`,
        `<text x="${table.width - BOX.paddingX}" y="${y}" text-anchor="end" font-size="11" fill="${COLORS.type}">${escapeXml(c.type)}</text>`,
      );
    });
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('\n');
}

export async function diagramPng(graph: ErGraph, layout: LayoutResult): Promise<Blob> {
  const svg = diagramSvg(graph, layout);
  const scale = Math.min(
    PNG_SCALE,
    MAX_CANVAS_SIDE / Math.max(1, layout.width),
    MAX_CANVAS_SIDE / Math.max(1, layout.height),
    Math.sqrt(MAX_CANVAS_AREA / Math.max(1, layout.width * layout.height)),
  );
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(layout.width * scale));
    canvas.height = Math.max(1, Math.round(layout.height * scale));
    const context = canvas.getContext('2d')!;
    context.scale(scale, scale);
    context.drawImage(image, 0, 0, layout.width, layout.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The PNG could not be encoded'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
