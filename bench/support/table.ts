export type Cell = string | number | undefined;

export interface Column {
  readonly header: string;
  /** Numbers are right-aligned; text is left-aligned. */
  readonly digits?: number;
}

/** A plain-text table with aligned columns; `undefined` cells print as "–". */
export function formatTable(columns: readonly Column[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => columns.map((column, index) => formatCell(row[index], column)));
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...text.map((row) => (row[index] as string).length)),
  );
  const numeric = columns.map((_, index) => rows.some((row) => typeof row[index] === "number"));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => {
        const width = widths[index] as number;
        return numeric[index] ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width));
  return [line(columns.map((column) => column.header)), line(rule), ...text.map(line)].join("\n");
}

function formatCell(cell: Cell, column: Column): string {
  if (cell === undefined) return "–";
  if (typeof cell === "number") return Number.isFinite(cell) ? cell.toFixed(column.digits ?? 1) : "–";
  return cell;
}
