// `node dist/bench/queue-driver.js DIST NOW ARGS...`: run DIST's qlens main()
// with Date.now fixed at NOW (epoch ms), so two builds' listings can be
// compared byte for byte (queue-compare.ts). Worker threads get the time
// from the main thread, as the listing passes it on.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, now, ...args] = process.argv.slice(2);
const fixed = Number(now);
Date.now = () => fixed;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const cli = (await import(pathToFileURL(path.join(path.resolve(dist), 'source', 'cli.js')).href)) as { main(argv: string[]): Promise<number> };
process.exitCode = await cli.main(args);
