// Command-line options shared by the benchmarks: `--name value`, and the `--hosts 1,10,50` list.

export function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Host counts from --hosts (else BENCH_HOSTS, else the default): positive whole numbers. */
export function hostCountsOption(fallback) {
  return option('--hosts', process.env.BENCH_HOSTS ?? fallback)
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}
