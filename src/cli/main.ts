import { SERVE_HELP, serve, serveOptions } from './serve.js';

const MAIN_HELP = `Usage: switchyard <command> [options]

Commands:
  serve      run the broker (AMQP 0-9-1, Kafka and the admin API)
  help       show this help, or \`switchyard help <command>\`

Run \`switchyard <command> --help\` for a command's options.
`;

/** Entry point of the `switchyard` command line. */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const options = serveOptions(rest, process.env);
        if (options === 'help') console.log(SERVE_HELP);
        else await serve(options);
        return;
      }
      case 'help':
        console.log(rest[0] === 'serve' ? SERVE_HELP : MAIN_HELP);
        return;
      case undefined:
      case '-h':
      case '--help':
        console.log(MAIN_HELP);
        return;
      default:
        console.error(`switchyard: unknown command '${command}'\n\n${MAIN_HELP}`);
        process.exitCode = 2;
    }
  } catch (error) {
    console.error(`switchyard: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
