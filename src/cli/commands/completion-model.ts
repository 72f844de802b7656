/**
 * What shell completion offers, read from the commands' help text: every flag line of a help
 * (`  -n, --namespace NAME   Only pods ...`) is a flag, with its short form, its value placeholder
 * and its description. Reading the help keeps completion true to what users are told, and a test
 * checks that the help lists exactly the flags each command parses.
 */
import type { CommandInfo } from '../command.js';

export interface CompletionFlag {
  readonly long: string;
  readonly short: string | undefined;
  /** How its value completes: no value, file names, a fixed list, or free text. */
  readonly value:
    { readonly kind: 'none' | 'file' | 'text' } | { readonly kind: 'words'; readonly words: string[] };
  readonly description: string;
}

export interface CompletionCommand {
  readonly name: string;
  readonly summary: string;
  readonly words: readonly string[];
  readonly flags: readonly CompletionFlag[];
}

// `  -o, --output FORMAT   text`, `      --anonymous-auth[=true|false]   text`, `  -w, --watch [INTERVAL]  text`
const FLAG_LINE = /^ {2,}(?:-([A-Za-z]), )?--([a-z0-9][a-z0-9-]*)(\[=[^\]]*\]| \S+)?(?: +(.*))?$/;
const FILE_PLACEHOLDERS = new Set(['FILE', 'DIR']);

function valueOf(placeholder: string | undefined): CompletionFlag['value'] {
  if (placeholder === undefined) return { kind: 'none' };
  const text = placeholder.trim();
  // Optional values (`[=true|false]`, `[INTERVAL]`) are written attached (--flag=value); the next
  // word is not the flag's.
  if (text.startsWith('[')) return { kind: 'none' };
  if (FILE_PLACEHOLDERS.has(text)) return { kind: 'file' };
  if (/^[a-z0-9-]+(\|[a-z0-9-]+)+$/.test(text)) return { kind: 'words', words: text.split('|') };
  return { kind: 'text' };
}

/** The flags a help text documents, in order, each once. */
export function helpFlags(help: string): CompletionFlag[] {
  const flags = new Map<string, CompletionFlag>();
  for (const line of help.split('\n')) {
    const match = FLAG_LINE.exec(line);
    if (match === null) continue;
    const [, short, long, placeholder, description] = match;
    if (flags.has(long!)) continue;
    flags.set(long!, {
      long: long!,
      short,
      value: valueOf(placeholder),
      description: (description ?? '').trim(),
    });
  }
  return [...flags.values()];
}

const HELP_FLAG: CompletionFlag = {
  long: 'help',
  short: 'h',
  value: { kind: 'none' },
  description: 'Help for this command',
};

export function completionModel(commands: readonly CommandInfo[]): CompletionCommand[] {
  return commands.map((c) => ({
    name: c.name,
    summary: c.summary,
    words: c.words,
    flags: [...helpFlags(c.help).filter((f) => f.long !== 'help'), HELP_FLAG],
  }));
}
