/**
 * Session names chosen to break whatever handles them carelessly: a shell (quotes, backticks, `$(…)`, `;`,
 * `|`, `&`, redirections, globs), tmux's formats (`#{…}`, `#(…)` which runs a command, `#[…]` styles) and
 * its target syntax (`%`, `=`, `$N`, `@N`, `%N` ids, `{tokens}`, a leading `-` read as a flag), whitespace
 * and control characters, non-ASCII and emoji, 200+ characters, and families of names that are prefixes
 * of each other or differ by one character (where a prefix or pattern match would pick the wrong one).
 *
 * Every command name is made to create `canary` if it is ever run, so a test only has to check that the
 * file never appears. The list is generated, deterministic, and has no duplicates.
 */

export interface HostileName {
  name: string;
  /** What the name tries, for the report. */
  kind: string;
}

export function hostileNames(canary: string): HostileName[] {
  const names: HostileName[] = [];
  const add = (kind: string, ...values: string[]) => {
    for (const name of values) names.push({ kind, name });
  };
  const touch = `touch ${canary}`;

  const shell = [
    `$(${touch})`,
    `\`${touch}\``,
    `; ${touch}`,
    `;${touch};`,
    `| ${touch}`,
    `|| ${touch}`,
    `& ${touch}`,
    `&& ${touch}`,
    `> ${canary}`,
    `>> ${canary}`,
    `$(${touch})$(${touch})`,
    `"$(${touch})"`,
    `'$(${touch})'`,
    `'; ${touch}; '`,
    `"; ${touch}; "`,
    `\\"; ${touch}`,
    `\n${touch}`,
    `$'\\x41'`,
    '$HOME',
    '${HOME}',
    '${IFS}x',
    '$((1+1))',
    '!!',
    '*',
    '?',
    '[a-z]',
    '~',
    '~root',
    '\\',
    '\\\\',
    "'",
    '"',
    "it's",
    'say "hi"',
    '%s%n%x',
    '{a,b}',
  ];
  add('shell', ...shell);
  for (const prefix of ['work ', 'x']) add('shell after text', ...shell.slice(0, 12).map((value) => prefix + value));

  const formats = [
    '#{session_name}',
    '#{session_id}',
    '#{pane_current_command}',
    `#(${touch})`,
    `#{#(${touch})}`,
    '#[fg=red]red',
    '#[default]',
    '#',
    '##',
    '###',
    '#{',
    '#}',
    '#{?1,a,b}',
    '#{s/a/b/:session_name}',
    '#{l:literal}',
    '#{E:SHELL}',
    '#{T:session_name}',
    '#{=5:session_name}',
    '#()',
    '#S',
    '#W',
    '#H',
    '#D',
    '#{client_tty}',
  ];
  add('tmux format', ...formats);
  add('tmux format after text', ...formats.slice(0, 8).map((value) => `work ${value}`));

  add(
    'tmux target syntax',
    '%',
    '%%',
    '=',
    '==',
    '=work',
    '$',
    '$$',
    '@',
    '{last}',
    '{mouse}',
    '{marked}',
    '{start}',
    '!',
    '+',
    '^',
    'work:1',
    'work.1',
    'work:',
    ':work',
    'work*',
    'w?rk',
    '[w]ork',
  );
  for (const sigil of ['$', '@', '%'])
    add('tmux id lookalike', ...['0', '1', '2', '9', '10', '99', '007', '1 ', '1x'].map((digits) => sigil + digits));

  add(
    'leading dash',
    '-',
    '--',
    '---',
    '-t',
    '-t work',
    '-L',
    '-L other',
    '-S /tmp/x',
    '-d',
    '-F',
    '-e X=1',
    '--help',
    '-h',
    '-V',
    '-work',
    '- work',
  );

  add(
    'whitespace',
    ' lead',
    'trail ',
    ' both ',
    'a b',
    'two  spaces',
    '\tlead tab',
    'a\tb',
    'trail\t',
    'a\u00a0b',
    'a\u2003b',
    ' ',
  );

  const controls: string[] = [];
  for (let code = 1; code < 32; code++) controls.push(`c${String.fromCharCode(code)}${code}`);
  add(
    'control character',
    ...controls,
    'del\u007f',
    '\u001b[31mred\u001b[0m',
    '\u001b]0;title\u0007',
    'cr\rlf\n',
    '\u0085next-line',
  );

  add(
    'non-ASCII',
    'ünïcödé',
    'Ærøskøbing',
    '日本語のセッション',
    '한국어',
    'עברית',
    'العربية',
    'русский',
    'e\u0301',
    'é',
    'zero\u200bwidth',
    '\u202eright-to-left',
    '\ufeffbom',
    'ﬁ ligature',
    '𝕨𝕠𝕣𝕜',
    'Ω≈ç√∫',
  );
  add('emoji', '🚀', '🚀 launch', '👩‍💻', '👍🏽', '🏳️‍🌈', '🇯🇵', '❤️', '🔥🔥🔥', '1️⃣');

  const long = (length: number, unit: string) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  add(
    'long',
    long(200, 'a'),
    long(201, 'a'),
    long(255, 'b'),
    long(300, 'work-'),
    long(500, 'x'),
    long(220, `$(${touch})`),
    long(240, '#{session_name}'),
    long(210, '🚀'),
    long(230, 'ü'),
  );

  const family = [
    'w',
    'wo',
    'wor',
    'work',
    'work-',
    'work-1',
    'work-10',
    'work-11',
    'work-2',
    'work1',
    'work 1',
    'Work',
    'WORK',
    'work_1',
    'worka',
    'workb',
    'workz',
    'work0',
    'work9',
    'xork',
    'wxrk',
    'wowk',
  ];
  add('prefix or one-character family', ...family);
  add('prefix family, long', ...['', 'a', 'b', 'ab'].map((tail) => long(200, 'p') + tail));
  for (const base of ['pair', 'main', 'dev'])
    add('prefix family', base, `${base}-2`, `${base}-3`, `${base}-22`, `${base} `, ` ${base}`);

  // For the popover: markup that would run or draw if a name were ever put in as HTML.
  add(
    'markup',
    '<img src=x onerror="window.__pwned=1">',
    '<script>window.__pwned=1</script>',
    '<svg onload="window.__pwned=1"></svg>',
    '"><img src=x onerror=window.__pwned=1>',
    "'><iframe srcdoc='<b>x</b>'>",
    '<b>bold</b>',
    '<a href="javascript:window.__pwned=1">link</a>',
    '<style>*{display:none}</style>',
    '&lt;not a tag&gt;',
    '&amp;',
    '<!-- comment -->',
    ']]>',
    'javascript:window.__pwned=1',
  );

  // Every ASCII punctuation character after a plain word, and a family differing in its last character.
  add('punctuation', ...[...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'].map((char) => `s${char}`));
  add('one-character family', ...[...'abcdefghij'].map((char) => `work-${char}`));

  const seen = new Set<string>();
  return names.filter(({ name }) => {
    if (name === '' || seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}
