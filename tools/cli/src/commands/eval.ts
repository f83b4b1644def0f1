import { UsageError } from '../args';
import { BIN, renderCommandHelp, type Command, type CommandContext } from '../command';
import { evalAnomalyCommand } from './eval-anomaly';
import { EVAL_RUL_OPTIONS, runEvalRul } from './eval-rul';

/** `eval rul`: its own help page; reached through the `eval` dispatcher below. */
export const evalRulCommand: Command = {
  name: 'eval',
  summary: 'score a RUL model on a C-MAPSS test file through the rul-api code path',
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
  run: (argv, ctx) => runEvalRul(argv, ctx, evalRulCommand),
};

/** One sub-task per model family; each gets the arguments after its name. */
const TASKS: Record<string, (argv: readonly string[], ctx: CommandContext) => Promise<number>> = {
  anomaly: (argv, ctx) => evalAnomalyCommand.run(['anomaly', ...argv], ctx),
  rul: (argv, ctx) => evalRulCommand.run(argv, ctx),
};

export const evalCommand: Command = {
  name: 'eval',
  summary:
    'score a model on labelled data through the service code path: anomaly on SKAB or simulator runs, rul on C-MAPSS',
  synopsis: `${evalAnomalyCommand.synopsis}\n       ${BIN} ${evalRulCommand.synopsis}`,
  description:
    `anomaly: ${evalAnomalyCommand.description}\n\n${evalRulCommand.description}\n\n` +
    `Options per task: ${BIN} eval anomaly --help, ${BIN} eval rul --help.`,
  options: [],
  examples: [...evalAnomalyCommand.examples, ...evalRulCommand.examples],
  async run(argv, ctx) {
    const [task, ...rest] = argv;
    if (task === '--help' || task === '-h') {
      ctx.stdout(renderCommandHelp(evalCommand, ctx));
      return 0;
    }
    const run = task === undefined ? undefined : TASKS[task];
    if (!run)
      throw new UsageError(
        `the task must be one of ${Object.keys(TASKS).join(', ')}, e.g. ${BIN} eval anomaly --data DIR --out FILE`,
        'eval',
      );
    return run(rest, ctx);
  },
};
