/**
 * The program `try.ts`: a terminal prompt where you talk to a bot as a
 * Webex user, on a fake Webex.
 *
 * @module
 */

import { basename } from "node:path";
import { LineBatchStream } from "../../_lines.ts";
import { readBot, readEventsFlag, readFlags } from "../../_program.ts";
import { messageOf } from "../../_objects.ts";
import demoBot from "../../../examples/demo_bot.ts";
import { SUBMIT_COMMAND, submittedInputs } from "../../local/_cards.ts";
import { type LastCard, postLines } from "./_show.ts";
import {
  startTrySession,
  type TryPost,
  type TryRoom,
  type TrySession,
} from "./try_session.ts";

const USAGE = `Usage: deno run -A jsr:@shellbot/spaces/try [options]
       (in a clone of the repository: deno task try [options])

Try a bot on a fake Webex: the bot runs behind the real webhook server, and
you talk to it as a Webex user. Lines come from stdin.

Options:
  --bot <module>    a module whose default export is the bot (without it,
                    a demo bot answers help, hello, echo <text> and card)
  --room <title>    title of the group room (default "Try room")
  --events <how>    how the bot hears events: webhook (signed deliveries to
                    its hook route, the default), websocket, or polling
                    (messages only)
  -h, --help        show this help
`;

const COMMANDS = `Type a line to send it. Commands:
  /room group|direct   talk in the group room (mentioning the bot) or directly
  /file <path> [text]  send a file, with an optional text
  /submit [button] name=value ...
                       submit the bot's last card (a value with spaces in
                       double quotes; the first button when none is named)
  /join <email>        someone joins the group room
  /leave <email>       someone leaves the group room
  /help                this list
  /quit                stop (so does Ctrl-C, or the end of input)`;

/**
 * Runs a try session with the given command-line arguments.
 *
 * @param args The arguments, without the program name.
 * @returns The exit code: 0, 1 when the session could not start, 2 for
 * bad arguments.
 */
export async function tryMain(args: string[]): Promise<number> {
  const flags = readFlags(
    args,
    {
      bot: { type: "string" },
      room: { type: "string" },
      events: { type: "string" },
    },
    USAGE,
    `${USAGE}\n${COMMANDS}`,
  );
  if (typeof flags === "number") return flags;
  const events = readEventsFlag(flags.events);
  if (events === 2) return 2;
  const loaded = await readBot(flags.bot);
  if (loaded === 2) return 2;
  const bot = loaded ?? demoBot;

  let session: TrySession;
  try {
    session = await startTrySession({
      bot,
      room: flags.room,
      events,
      onPost: show,
    });
  } catch (error) {
    console.error(`Could not start the fake Webex: ${messageOf(error)}`);
    return 1;
  }
  const botName = session.webex.bot.displayName;
  const cards: { last?: LastCard } = {};
  function show(post: TryPost) {
    const { lines, card } = postLines(post, session.webex);
    if (card) cards.last = card;
    console.log(lines.join("\n"));
  }

  console.log(
    `${botName} is in the room '${session.room.title}' of a fake Webex; you are ${session.you.displayName} <${
      session.you.emails[0]
    }>${
      session.server.mode === "webhook"
        ? ""
        : `; the bot hears by ${session.server.mode}`
    }. /help lists the commands.`,
  );
  const interrupted = Promise.withResolvers<"interrupted">();
  const onInterrupt = () => {
    if (stopping) Deno.exit(130);
    console.error("Stopping (Ctrl-C again to quit at once)");
    interrupted.resolve("interrupted");
  };
  let stopping = false;
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    await Promise.race([talk(session, cards), interrupted.promise]);
  } finally {
    stopping = true;
    await session.close();
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
  return 0;
}

/** Reads lines and acts on them until /quit or the end of input. */
async function talk(
  session: TrySession,
  cards: { last?: LastCard },
): Promise<void> {
  const terminal = Deno.stdin.isTerminal();
  const botName = session.webex.bot.displayName;
  // Unknown /commands go to the bot (a bot may have its own): said once each.
  const passed = new Set<string>();
  let where: TryRoom = "group";
  const prompt = () => {
    if (!terminal) return;
    const room = where === "group" ? session.room.title : "direct";
    Deno.stdout.writeSync(new TextEncoder().encode(`(${room})> `));
  };
  prompt();
  const batches = Deno.stdin.readable
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new LineBatchStream());
  for await (const line of lines(batches)) {
    if (!terminal) console.log(`> ${line}`);
    const [command, ...words] = line.trim().split(/\s+/);
    try {
      switch (command) {
        case "":
          break;
        case "/quit":
          return;
        case "/help":
          console.log(COMMANDS);
          break;
        case "/room":
          if (words[0] !== "group" && words[0] !== "direct") {
            console.log("try: /room takes 'group' or 'direct'");
            break;
          }
          where = words[0];
          console.log(
            where === "group"
              ? `(now in the group room '${session.room.title}': your lines mention ${botName})`
              : `(now in the direct room with ${botName})`,
          );
          break;
        case "/file": {
          if (!words[0]) {
            console.log("try: /file takes a path");
            break;
          }
          const bytes = await Deno.readFile(words[0]);
          await session.say(words.slice(1).join(" "), where, {
            name: basename(words[0]),
            bytes,
          });
          break;
        }
        case SUBMIT_COMMAND: {
          if (!cards.last) {
            console.log("try: no card to submit yet");
            break;
          }
          const inputs = submittedInputs(line, cards.last.card);
          if (typeof inputs === "string") console.log(`try: ${inputs}`);
          else await session.submit(cards.last.messageId, inputs);
          break;
        }
        case "/join":
        case "/leave":
          if (!words[0]) console.log(`try: ${command} takes an e-mail address`);
          else if (command === "/join") await session.join(words[0]);
          else await session.leave(words[0]);
          break;
        default:
          if (command.startsWith("/") && !passed.has(command)) {
            passed.add(command);
            console.log(
              `try: ${command} is not a command of try: sent to the bot as text`,
            );
          }
          await session.say(line, where);
      }
    } catch (error) {
      console.log(`try: ${messageOf(error)}`);
    }
    prompt();
  }
}

async function* lines(batches: AsyncIterable<string[]>) {
  for await (const batch of batches) yield* batch;
}
