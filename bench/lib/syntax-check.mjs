// `--syntax-check` of the benchmark playbook, a few runs per tool: the start-up cost alone
// (load, parse, validate), reported as the median and the minimum, which load moves least.
import { measure } from './measure.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function timeRuns(cmd, runs, tmpDir, extra = ['--syntax-check']) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const m = await measure([...cmd.argv, ...extra], { cwd: tmpDir, env: cmd.env, tmpDir });
    if (m.exitCode !== 0) throw new Error(`--syntax-check failed (exit ${m.exitCode}):\n${m.output.slice(-2000)}`);
    samples.push(m);
  }
  const wallMs = samples.map((m) => m.wallS * 1000);
  return { runs, medianWall: median(wallMs), minWall: Math.min(...wallMs), medianCpu: median(samples.map((m) => m.cpuS * 1000)) };
}

/**
 * Rows for SYNTAX_HEADER: each tool's figures, the ratio on osm-play's row, and last `node -e 0`
 * with osm-play's environment: what node alone takes to start here, which no script can go below.
 */
export async function syntaxCheckRows(cmds, tools, runs, tmpDir) {
  const stats = {};
  for (const tool of tools) {
    process.stdout.write(`  ${tool === 'osm' ? 'osm-play' : 'ansible-playbook'}... `);
    stats[tool] = await timeRuns(cmds[tool], runs, tmpDir);
    console.log(`median ${stats[tool].medianWall.toFixed(0)} ms`);
  }
  process.stdout.write('  node -e 0... ');
  const node = await timeRuns({ argv: [process.execPath], env: cmds.osm.env }, runs, tmpDir, ['-e', '0']);
  console.log(`median ${node.medianWall.toFixed(0)} ms`);
  const row = (label, s, ratio) => [label, String(s.runs), s.medianWall.toFixed(0), s.minWall.toFixed(0), s.medianCpu.toFixed(0), ratio];
  return [
    ...tools.map((tool) => {
      const s = stats[tool];
      const ratio = tool === 'osm' && stats.ansible ? `${(stats.ansible.medianWall / s.medianWall).toFixed(1)}x` : '-';
      return row(tool === 'osm' ? 'osm-play' : 'ansible-playbook', s, ratio);
    }),
    row('node -e 0 (node alone)', node, '-'),
  ];
}
