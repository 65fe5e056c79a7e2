// One-entry memo for pane models: moving the cursor must not rebuild or
// re-filter a list of 100,000 rows, so the rows are kept while the data and
// the filter they came from are the same objects.

export function memoLast<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  let last: { args: A; value: R } | null = null;
  return (...args: A): R => {
    if (last && last.args.length === args.length && last.args.every((a, i) => a === args[i])) return last.value;
    const value = f(...args);
    last = { args, value };
    return value;
  };
}
