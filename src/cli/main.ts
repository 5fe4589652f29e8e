import { SERVE_HELP, serve, serveOptions } from './serve.js';
import { TOPICS_HELP, topicsCommand } from './topics.js';
import { GROUPS_HELP, groupsCommand } from './groups.js';

const MAIN_HELP = `Usage: switchyard <command> [options]

Commands:
  serve      run the broker (AMQP 0-9-1, Kafka and the admin API)
  topics     list, describe, create, alter and delete Kafka topics (like kafka-topics.sh)
  groups     list and describe consumer groups with lag, reset their offsets (like kafka-consumer-groups.sh)
  help       show this help, or \`switchyard help <command>\`

Run \`switchyard <command> --help\` for a command's options.
`;

/** Admin commands: each turns its arguments into the text to print. */
const ADMIN_COMMANDS: Record<string, { run: (argv: string[], env: NodeJS.ProcessEnv) => Promise<string>; help: string }> = {
  topics: { run: topicsCommand, help: TOPICS_HELP },
  groups: { run: groupsCommand, help: GROUPS_HELP },
};

/** Entry point of the `switchyard` command line. */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    if (command === 'serve') {
      const options = serveOptions(rest, process.env);
      if (options === 'help') console.log(SERVE_HELP);
      else await serve(options);
    } else if (command !== undefined && command in ADMIN_COMMANDS) {
      console.log(await ADMIN_COMMANDS[command].run(rest, process.env));
    } else if (command === 'help') {
      console.log(rest[0] === 'serve' ? SERVE_HELP : (ADMIN_COMMANDS[rest[0]]?.help ?? MAIN_HELP));
    } else if (command === undefined || command === '-h' || command === '--help') {
      console.log(MAIN_HELP);
    } else {
      console.error(`switchyard: unknown command '${command}'\n\n${MAIN_HELP}`);
      process.exitCode = 2;
    }
  } catch (error) {
    console.error(`switchyard: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
