const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * Bytes in binary units with up to one decimal, for messages.
 *
 * @example
 * formatBytes(1536); // '1.5 KiB'
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : Math.round(value * 10) / 10} ${UNITS[unit]}`;
}

/**
 * A ratio (0–1) as a percentage with up to one decimal, for messages.
 *
 * @example
 * formatRatio(0.1234); // '12.3%'
 */
export function formatRatio(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
