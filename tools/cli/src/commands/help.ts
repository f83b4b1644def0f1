import { UsageError, closest, parseCommandArgs } from '../args';
import { BIN, renderCommandHelp, renderTopHelp, type Command } from '../command';

/** `help [command]`: the same text as `--help`, for people who type it the other way round. */
export function createHelpCommand(commands: () => readonly Command[]): Command {
  const command: Command = {
    name: 'help',
    summary: 'show the list of commands, or the help of one command',
    synopsis: 'help [command]',
    description: `Prints the list of commands, or with a command name the same text as '${BIN} <command> --help'.`,
    options: [],
    examples: [`${BIN} help`, `${BIN} help demo`],
    async run(argv, ctx) {
      const { values, positionals } = parseCommandArgs('help', [], argv, { maxPositionals: 1 });
      if (values.help === true) {
        ctx.stdout(renderCommandHelp(command, ctx));
        return 0;
      }
      const all = commands();
      const [name] = positionals;
      if (name === undefined) {
        ctx.stdout(renderTopHelp(all));
        return 0;
      }
      const target = all.find((c) => c.name === name);
      if (target === undefined) {
        const guess = closest(
          name,
          all.map((c) => c.name),
        );
        throw new UsageError(
          `unknown command "${name}"${guess === undefined ? '' : ` (did you mean ${guess}?)`}`,
        );
      }
      ctx.stdout(renderCommandHelp(target, ctx));
      return 0;
    },
  };
  return command;
}
