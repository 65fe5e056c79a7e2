// Placeholder until the TUI lands.
export interface TuiOptions {
  sysroot?: string;
  instances: string[];
  demo?: string;
  color: boolean;
  readOnly: boolean;
  projectRoot: string;
}

export async function runTui(_opts: TuiOptions): Promise<number> {
  process.stderr.write('qlens: the terminal UI is not built yet\n');
  return 2;
}
