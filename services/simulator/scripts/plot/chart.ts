// A small time-series chart renderer on an RGBA buffer, written out with pngjs (pure JS). Just enough for the
// simulator docs: stacked panels sharing a time axis, shaded fault windows, dense series drawn as per-pixel
// min/max envelopes so noise stays visible, gaps where a value is missing.
import { PNG } from 'pngjs';
import { ADVANCE, GLYPH_HEIGHT, glyph, textWidth } from './font';

export type Rgb = readonly [number, number, number];

export const COLORS = {
  blue: [31, 119, 180] as Rgb,
  orange: [255, 127, 14] as Rgb,
  green: [44, 160, 44] as Rgb,
  red: [214, 39, 40] as Rgb,
  purple: [148, 103, 189] as Rgb,
  brown: [140, 86, 75] as Rgb,
  grey: [127, 127, 127] as Rgb,
  black: [30, 30, 30] as Rgb,
  grid: [228, 228, 228] as Rgb,
  axis: [90, 90, 90] as Rgb,
  band: [255, 214, 214] as Rgb,
  white: [255, 255, 255] as Rgb,
};

export interface Series {
  label: string;
  color: Rgb;
  /** Epoch ms. */
  x: readonly number[];
  /** NaN marks a missing value (a gap in the line). */
  y: readonly number[];
}

export interface Panel {
  title: string;
  series: Series[];
  yMin?: number;
  yMax?: number;
}

export interface Band {
  startMs: number;
  endMs: number;
  label: string;
}

export interface Figure {
  title: string;
  subtitle?: string;
  startMs: number;
  endMs: number;
  panels: Panel[];
  bands?: Band[];
  /** `clock`: HH:MM (UTC) ticks; `hours`: hours since startMs. */
  xAxis?: 'clock' | 'hours';
}

class Canvas {
  readonly data: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = Buffer.alloc(width * height * 4, 255);
  }

  blend(x: number, y: number, color: Rgb, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (Math.floor(y) * this.width + Math.floor(x)) * 4;
    for (let c = 0; c < 3; c++)
      this.data[i + c] = Math.round(this.data[i + c]! * (1 - alpha) + color[c]! * alpha);
    this.data[i + 3] = 255;
  }

  fillRect(x0: number, y0: number, w: number, h: number, color: Rgb, alpha = 1): void {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(this.height, Math.ceil(y0 + h)); y++)
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(this.width, Math.ceil(x0 + w)); x++)
        this.blend(x, y, color, alpha);
  }

  /** Anti-aliased line (Xiaolin Wu). */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, alpha = 1): void {
    const steep = Math.abs(y1 - y0) > Math.abs(x1 - x0);
    if (steep) [x0, y0, x1, y1] = [y0, x0, y1, x1];
    if (x0 > x1) [x0, y0, x1, y1] = [x1, y1, x0, y0];
    const dx = x1 - x0;
    const gradient = dx === 0 ? 1 : (y1 - y0) / dx;
    const plot = (x: number, y: number, c: number): void =>
      steep ? this.blend(y, x, color, c * alpha) : this.blend(x, y, color, c * alpha);
    let y = y0;
    for (let x = Math.round(x0); x <= Math.round(x1); x++) {
      const fy = Math.floor(y);
      const frac = y - fy;
      plot(x, fy, 1 - frac);
      plot(x, fy + 1, frac);
      y += gradient;
    }
  }

  vline(x: number, y0: number, y1: number, color: Rgb, alpha = 1): void {
    const [a, b] = y0 < y1 ? [y0, y1] : [y1, y0];
    for (let y = Math.floor(a); y <= Math.ceil(b); y++) this.blend(x, y, color, alpha);
  }

  hline(x0: number, x1: number, y: number, color: Rgb, dash = 0): void {
    for (let x = Math.floor(x0); x <= Math.ceil(x1); x++) {
      if (dash === 0 || Math.floor((x - x0) / dash) % 2 === 0) this.blend(x, y, color);
    }
  }

  text(x: number, y: number, text: string, color: Rgb, scale = 1): void {
    let cx = x;
    for (const char of text) {
      const rows = glyph(char);
      rows.forEach((row, ry) =>
        row.forEach((ink, rx) => {
          if (ink) this.fillRect(cx + rx * scale, y + ry * scale, scale, scale, color);
        }),
      );
      cx += ADVANCE * scale;
    }
  }

  png(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    this.data.copy(png.data);
    return PNG.sync.write(png, { colorType: 2 });
  }
}

/** 1, 2 or 5 times a power of ten, giving about `count` intervals over [min, max]. */
function niceStep(min: number, max: number, count: number): number {
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

function formatTick(value: number, step: number): string {
  let decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  while (decimals < 4 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6)
    decimals++;
  return value.toFixed(decimals);
}

function yRange(panel: Panel): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of panel.series)
    for (const v of s.y) {
      if (Number.isNaN(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  if (hi - lo < 1e-9) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.06;
  return [panel.yMin ?? lo - pad, panel.yMax ?? hi + pad];
}

const X_STEPS_MS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * 60_000);

/** Renders a figure to PNG bytes. */
export function renderFigure(figure: Figure, width = 1200): Buffer {
  const left = 86;
  const right = 24;
  const top = figure.subtitle === undefined ? 44 : 60;
  const panelHeight = 128;
  const gap = 34;
  const bottom = 40;
  const height = top + figure.panels.length * (panelHeight + gap) - gap + bottom + 10;
  const canvas = new Canvas(width, height);
  const plotWidth = width - left - right;
  const { startMs, endMs } = figure;
  const xOf = (t: number): number => left + ((t - startMs) / (endMs - startMs)) * plotWidth;

  canvas.text(left, 12, figure.title, COLORS.black, 2);
  if (figure.subtitle !== undefined)
    canvas.text(left, 12 + 2 * GLYPH_HEIGHT + 8, figure.subtitle, COLORS.axis);

  const spanMs = endMs - startMs;
  const xStep = X_STEPS_MS.find((s) => spanMs / s <= 12) ?? X_STEPS_MS[X_STEPS_MS.length - 1]!;
  const xTicks: number[] = [];
  for (let t = Math.ceil(startMs / xStep) * xStep; t <= endMs; t += xStep) xTicks.push(t);

  figure.panels.forEach((panel, index) => {
    const y0 = top + index * (panelHeight + gap) + 14;
    const [lo, hi] = yRange(panel);
    const yOf = (v: number): number => y0 + panelHeight - ((v - lo) / (hi - lo)) * panelHeight;

    for (const band of figure.bands ?? []) {
      const a = Math.max(left, xOf(band.startMs));
      const b = Math.min(left + plotWidth, xOf(Math.min(band.endMs, endMs)));
      if (b > a) canvas.fillRect(a, y0, b - a, panelHeight, COLORS.band, 0.6);
    }
    const yStep = niceStep(lo, hi, 4);
    for (let v = Math.ceil(lo / yStep) * yStep; v <= hi + 1e-9; v += yStep) {
      const y = Math.round(yOf(v));
      canvas.hline(left, left + plotWidth, y, COLORS.grid);
      const label = formatTick(Math.abs(v) < yStep / 1e6 ? 0 : v, yStep);
      canvas.text(left - 6 - textWidth(label), y - 3, label, COLORS.axis);
    }
    for (const t of xTicks) canvas.vline(Math.round(xOf(t)), y0, y0 + panelHeight, COLORS.grid);

    for (const series of panel.series) drawSeries(canvas, series, xOf, yOf, left, left + plotWidth);

    // Frame, panel title and legend.
    canvas.hline(left, left + plotWidth, y0, COLORS.axis);
    canvas.hline(left, left + plotWidth, y0 + panelHeight, COLORS.axis);
    canvas.vline(left, y0, y0 + panelHeight, COLORS.axis);
    canvas.vline(left + plotWidth, y0, y0 + panelHeight, COLORS.axis);
    canvas.text(left, y0 - 12, panel.title, COLORS.black);
    if (panel.series.length > 1) {
      let lx = left + plotWidth;
      for (const s of [...panel.series].reverse()) {
        lx -= textWidth(s.label) + 26;
        canvas.fillRect(lx, y0 - 9, 14, 3, s.color);
        canvas.text(lx + 18, y0 - 12, s.label, COLORS.black);
      }
    }
    if (index === 0) {
      for (const band of figure.bands ?? []) {
        const x = Math.max(left + 2, xOf(band.startMs) + 3);
        canvas.text(x, y0 + 3, band.label, COLORS.red);
      }
    }
  });

  const axisY = top + figure.panels.length * (panelHeight + gap) - gap + 14;
  for (const t of xTicks) {
    const x = Math.round(xOf(t));
    canvas.vline(x, axisY, axisY + 4, COLORS.axis);
    const label =
      figure.xAxis === 'hours'
        ? `${Math.round((t - startMs) / 3_600_000)} h`
        : new Date(t).toISOString().slice(11, 16);
    canvas.text(x - textWidth(label) / 2, axisY + 9, label, COLORS.axis);
  }
  const axisTitle = figure.xAxis === 'hours' ? 'operating hours' : 'time of day (UTC)';
  canvas.text(left + plotWidth - textWidth(axisTitle), axisY + 22, axisTitle, COLORS.axis);
  return canvas.png();
}

/**
 * Draws a series as the min-max envelope of each pixel column joined column to column, so ten thousand noisy
 * samples on a thousand pixels still show their spread; NaN breaks the line.
 */
function drawSeries(
  canvas: Canvas,
  series: Series,
  xOf: (t: number) => number,
  yOf: (v: number) => number,
  xMin: number,
  xMax: number,
): void {
  let column = NaN;
  let lo = 0;
  let hi = 0;
  let first = 0;
  let last = NaN;
  let previousColumn = NaN;
  let previousLast = NaN;
  const flush = (): void => {
    if (Number.isNaN(column)) return;
    if (!Number.isNaN(previousLast) && column - previousColumn === 1) {
      canvas.line(previousColumn, yOf(previousLast), column, yOf(first), series.color);
    }
    if (hi !== lo) canvas.vline(column, yOf(lo), yOf(hi), series.color);
    else canvas.blend(column, yOf(lo), series.color);
    previousColumn = column;
    previousLast = last;
  };
  for (let i = 0; i < series.x.length; i++) {
    const x = Math.round(xOf(series.x[i]!));
    const v = series.y[i]!;
    if (x < xMin || x > xMax) continue;
    if (Number.isNaN(v)) {
      flush();
      column = NaN;
      previousLast = NaN;
      continue;
    }
    if (x !== column) {
      flush();
      column = x;
      lo = hi = first = v;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    last = v;
  }
  flush();
}
