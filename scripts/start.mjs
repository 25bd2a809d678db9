// `npm start`: install if needed, build the web UI if needed, then run the
// appliance with its embedded defaults. Extra arguments go to `serve`.
import { spawn } from 'node:child_process';
import { checkNode, ensureDependencies, ensureWebBuild, root } from './prepare.mjs';

checkNode();
ensureDependencies();
ensureWebBuild();

const child = spawn(
  process.execPath,
  ['apps/server/bin/flowgento.mjs', 'serve', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill('SIGTERM'));
}
// npm does not pass SIGTERM on to its script: when npm is gone, stop the
// appliance cleanly rather than leave it running unowned.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) child.kill('SIGTERM');
}, 1000).unref();
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
