import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CMAPSS_TURBOFAN_MACHINE_TYPE } from '@industrialmind/contracts';
import { createLogger } from '@industrialmind/logger';
import { RulModelFolder, forecastBatch, toVector, type RulModel } from '@industrialmind/rul-forecasting';
import { cmapssFileId, parseCmapss, parseCmapssRul } from '@industrialmind/simulation';
import { UsageError, parseCommandArgs, type OptionSpec } from '../args';
import { renderCommandHelp, type Command, type CommandContext } from '../command';

const NAME = 'eval';

export const EVAL_RUL_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'test',
    type: 'string',
    valueName: 'FILE',
    description: 'a C-MAPSS test file, test_FD00N.txt (required)',
  },
  {
    name: 'out',
    type: 'string',
    valueName: 'FILE',
    description: 'CSV written: unit,predicted_rul,lower,upper (required)',
  },
  {
    name: 'truth',
    type: 'string',
    valueName: 'RUL_FILE',
    description: 'true RUL after each engine, RUL_FD00N.txt: also print RMSE, PHM08 score and coverage',
  },
  {
    name: 'models',
    type: 'string',
    valueName: 'DIR',
    description: 'models folder',
    defaultText: 'services/rul-api/models',
  },
  {
    name: 'model',
    type: 'string',
    valueName: 'NAME',
    description: 'model to use',
    defaultText: 'the one rul-api would pick for the engines',
  },
];

export interface RulEvalRow {
  unit: number;
  predicted: number;
  lower: number;
  upper: number;
  truth?: number;
}

export interface RulEvalSummary {
  rows: RulEvalRow[];
  model: string;
  modelVersion: string;
  rmse?: number;
  phm08?: number;
  coverage?: number;
  level: number;
}

/** Saxena et al. 2008: d = predicted - true; exp(-d/13) - 1 when early, exp(d/10) - 1 when late. */
export function phm08Term(predicted: number, truth: number): number {
  const d = predicted - truth;
  return d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1;
}

/**
 * One forecast per engine of a C-MAPSS test file from all its rows (the model uses its last `window`, and a model
 * with history inputs also the engine's first readings and its number of cycles), through
 * the service's own path: the C-MAPSS replay parser, the model rul-api would select for the machine ids
 * (`cmapss-fd00n-test-<unit>`), and `forecastBatch`.
 */
export async function evaluateRul(options: {
  testFile: string;
  truthFile?: string;
  modelsDir: string;
  model?: string;
}): Promise<RulEvalSummary> {
  const truth = options.truthFile ? await parseCmapssRul(createReadStream(options.truthFile)) : undefined;
  const engines = new Map<string, Float64Array[]>();
  const folder = new RulModelFolder({
    dir: options.modelsDir,
    pollMs: 0,
    logger: createLogger({ service: 'cli', version: '0', profile: 'lite', level: 'silent' }),
  });
  await folder.refresh();
  try {
    const rows = parseCmapss(createReadStream(options.testFile), {
      fileId: cmapssFileId(basename(options.testFile)),
      startMs: 0,
      cycleMs: 60_000,
      rul: 'unknown',
      onInvalid: (problem) => {
        throw new UsageError(`--test ${options.testFile}: line ${problem.line} ${problem.reason}`, NAME);
      },
    });
    let model: RulModel | undefined;
    for await (const row of rows) {
      if (!model) {
        model = options.model
          ? folder.byName(options.model)
          : folder.select(CMAPSS_TURBOFAN_MACHINE_TYPE.name, row.machineId);
        if (!model) {
          const names = folder.list().map((m) => m.metadata.name);
          throw new UsageError(
            options.model
              ? `no model named "${options.model}" in ${options.modelsDir} (have: ${names.join(', ') || 'none'})`
              : `no model in ${options.modelsDir} serves ${row.machineId} (have: ${names.join(', ') || 'none'}); name one with --model`,
            NAME,
          );
        }
      }
      const list = engines.get(row.machineId) ?? [];
      list.push(toVector(row.readings, model.metadata.channels).values);
      engines.set(row.machineId, list);
    }
    if (!model) throw new UsageError(`--test ${options.testFile} holds no engine`, NAME);
    if (truth && truth.length !== engines.size)
      throw new UsageError(`--truth has ${truth.length} values but --test has ${engines.size} engines`, NAME);
    const ids = [...engines.keys()];
    const forecasts = await forecastBatch(
      model,
      ids.map((id) => engines.get(id)!),
    );
    const out: RulEvalRow[] = forecasts.map((f, i) => ({
      unit: Number(/(\d+)$/.exec(ids[i]!)![1]),
      predicted: f.predicted_rul,
      lower: f.confidence_interval.lower,
      upper: f.confidence_interval.upper,
      ...(truth ? { truth: truth[i]! } : {}),
    }));
    const summary: RulEvalSummary = {
      rows: out,
      model: model.metadata.name,
      modelVersion: model.metadata.model_version,
      level: model.metadata.interval_level,
    };
    if (truth) {
      const n = out.length;
      summary.rmse = Math.sqrt(out.reduce((s, r) => s + (r.predicted - r.truth!) ** 2, 0) / n);
      summary.phm08 = out.reduce((s, r) => s + phm08Term(r.predicted, r.truth!), 0);
      summary.coverage = out.filter((r) => r.truth! >= r.lower && r.truth! <= r.upper).length / n;
    }
    return summary;
  } finally {
    await folder.stop();
  }
}

export function toCsv(rows: readonly RulEvalRow[]): string {
  return [
    'unit,predicted_rul,lower,upper',
    ...rows.map((r) => `${r.unit},${r.predicted},${r.lower},${r.upper}`),
  ]
    .join('\n')
    .concat('\n');
}

/** `eval rul ...` */
export async function runEvalRul(
  argv: readonly string[],
  ctx: CommandContext,
  command: Command,
): Promise<number> {
  const { values } = parseCommandArgs(NAME, EVAL_RUL_OPTIONS, argv);
  if (values.help === true) {
    ctx.stdout(renderCommandHelp(command, ctx));
    return 0;
  }
  const testFile = values.test as string | undefined;
  const outFile = values.out as string | undefined;
  if (!testFile) throw new UsageError('--test is required', NAME);
  if (!outFile) throw new UsageError('--out is required', NAME);
  if (!existsSync(testFile)) throw new UsageError(`--test ${testFile} does not exist`, NAME);
  const truthFile = values.truth as string | undefined;
  if (truthFile !== undefined && !existsSync(truthFile))
    throw new UsageError(`--truth ${truthFile} does not exist`, NAME);
  const modelsDir =
    (values.models as string | undefined) ?? join(ctx.repoRoot, 'services', 'rul-api', 'models');
  if (!existsSync(modelsDir)) throw new UsageError(`--models ${modelsDir} does not exist`, NAME);
  const summary = await evaluateRul({
    testFile,
    modelsDir,
    ...(truthFile ? { truthFile } : {}),
    ...(values.model ? { model: values.model as string } : {}),
  });
  writeFileSync(outFile, toCsv(summary.rows));
  ctx.stdout(
    `model      ${summary.model} (${summary.modelVersion})\nengines    ${summary.rows.length}\nwritten    ${outFile}\n`,
  );
  if (summary.rmse !== undefined) {
    ctx.stdout(
      `RMSE       ${summary.rmse.toFixed(2)}\nPHM08      ${summary.phm08!.toFixed(1)}\ncoverage   ${(summary.coverage! * 100).toFixed(1)} % (nominal ${Math.round(summary.level * 100)} %)\n`,
    );
  }
  return 0;
}
