/** The names closest to a misspelt one (edit distance), for "did you mean" in fixes. */

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Up to `count` of `names` nearest to `name`, nearest first; only those within half its length. */
export function nearestNames(name: string, names: readonly string[], count = 3): string[] {
  const limit = Math.max(2, Math.ceil(name.length / 2));
  return [...new Set(names)]
    .map((n) => [n, distance(name, n)] as const)
    .filter(([, d]) => d <= limit)
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, count)
    .map(([n]) => n);
}
