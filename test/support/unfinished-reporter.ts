import type { Reporter, TestModule } from 'vitest/node';

// Names the test files that started but never finished: when a fork dies (a native crash, the OOM
// killer, process.exit), vitest reports only "Worker exited unexpectedly", without the file.
export default class UnfinishedReporter implements Reporter {
  private readonly running = new Map<string, number>();

  onTestModuleStart(module: TestModule): void {
    this.running.set(module.moduleId, Date.now());
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(module.moduleId);
  }

  onTestRunEnd(): void {
    for (const [file, started] of this.running) {
      const s = ((Date.now() - started) / 1000).toFixed(1);
      process.stderr.write(`unfinished test file (its fork may have died): ${file}, started ${s} s before the end\n`);
    }
  }
}
