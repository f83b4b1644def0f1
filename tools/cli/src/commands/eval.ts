import { UsageError } from '../args';
import { BIN, renderCommandHelp, type Command, type CommandContext } from '../command';
import { EVAL_RUL_OPTIONS, runEvalRul } from './eval-rul';

/** `eval <task> ...`: one sub-task per model family (rul; anomaly joins the same way). */
const TASKS: Record<
  string,
  (argv: readonly string[], ctx: CommandContext, command: Command) => Promise<number>
> = {
  rul: runEvalRul,
};

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score a model on a data set through the service code path: eval rul',
  synopsis: 'eval rul --test FILE --out FILE [--truth RUL_FILE] [options]',
  description:
    'rul: one forecast per engine of a C-MAPSS test file at its last cycle, through the same code as rul-api, ' +
    'written as CSV (unit,predicted_rul,lower,upper). With --truth it prints RMSE, the PHM08 score (sum over ' +
    'engines) and the coverage of the interval. The real test RUL files are not shipped: score held-out ' +
    'training engines written by `python -m industrialmind_trainer.rul.holdout` (docs/benchmarks.md).',
  options: EVAL_RUL_OPTIONS,
  examples: [
    `${BIN} eval rul --test /tmp/holdout/test_FD001.txt --truth /tmp/holdout/RUL_FD001.txt --out /tmp/fd001.csv`,
  ],
  async run(argv, ctx) {
    const [task, ...rest] = argv;
    if (task === '--help' || task === '-h') {
      ctx.stdout(renderCommandHelp(evalCommand, ctx));
      return 0;
    }
    const run = task === undefined ? undefined : TASKS[task];
    if (!run) throw new UsageError(`expected a task: ${Object.keys(TASKS).join(', ')}`, 'eval');
    return run(rest, ctx, evalCommand);
  },
};
