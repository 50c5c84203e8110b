/** The reliability suite's table: one row per scenario, printed when the suite ends. */
export interface Row {
  scenario: string;
  inputs: number;
  faults: string;
  load: string;
  lost: number;
  duplicates: number;
}

export const rows: Row[] = [];

export function printTable(): void {
  const head = ['scenario', 'inputs tried', 'faults injected and survived', 'load held', 'lost', 'duplicates'];
  const data = rows.map((r) => [r.scenario, String(r.inputs), r.faults, r.load, String(r.lost), String(r.duplicates)]);
  const widths = head.map((h, i) => Math.max(h.length, ...data.map((d) => d[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(['', 'reliability report', line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...data.map(line), ''].join('\n'));
}
