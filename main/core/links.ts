/**
 * The four links a tmate server may hand out, and what each is called and grants. One list that the core,
 * the command, the tray and the popover all read, so a new label or a new kind is written once. No imports:
 * the renderer bundles this file.
 */
export interface ShareLinks {
  ssh: string | null;
  sshReadOnly: string | null;
  web: string | null;
  webReadOnly: string | null;
}

export type LinkKind = keyof ShareLinks;

export interface LinkInfo {
  kind: LinkKind;
  /** As the popover labels it: "SSH read-only". */
  label: string;
  /** As the command lists it: "ssh read-only". */
  cliLabel: string;
  /** The tray's copy item. */
  menuLabel: string;
  readOnly: boolean;
  web: boolean;
  /** What someone holding it can do. */
  grants: string;
}

export const LINKS: readonly LinkInfo[] = [
  {
    kind: 'ssh',
    label: 'SSH',
    cliLabel: 'ssh',
    menuLabel: 'Copy SSH Command',
    readOnly: false,
    web: false,
    grants: 'can type in your session',
  },
  {
    kind: 'sshReadOnly',
    label: 'SSH read-only',
    cliLabel: 'ssh read-only',
    menuLabel: 'Copy Read-Only SSH Command',
    readOnly: true,
    web: false,
    grants: 'can only watch',
  },
  {
    kind: 'web',
    label: 'Web',
    cliLabel: 'web',
    menuLabel: 'Copy Web Link',
    readOnly: false,
    web: true,
    grants: 'can type in your session',
  },
  {
    kind: 'webReadOnly',
    label: 'Web read-only',
    cliLabel: 'web read-only',
    menuLabel: 'Copy Read-Only Web Link',
    readOnly: true,
    web: true,
    grants: 'can only watch',
  },
];

export const LINK_KINDS: readonly LinkKind[] = LINKS.map((link) => link.kind);

export const NO_LINKS: ShareLinks = { ssh: null, sshReadOnly: null, web: null, webReadOnly: null };

export function linkInfo(kind: LinkKind): LinkInfo {
  // LINKS holds every kind; the find cannot miss.
  return LINKS.find((link) => link.kind === kind) as LinkInfo;
}

export function isLinkKind(value: unknown): value is LinkKind {
  return typeof value === 'string' && (LINK_KINDS as readonly string[]).includes(value);
}

/** The kind for the command's `--read-only` / `--web` flags. */
export function linkKindFor(readOnly: boolean, web: boolean): LinkKind {
  return web ? (readOnly ? 'webReadOnly' : 'web') : readOnly ? 'sshReadOnly' : 'ssh';
}

/** The links in the order Copy lists them: `first` (the share.copyLink preference) first, then the others as in LINKS. */
export function orderedLinks(first: LinkKind): LinkInfo[] {
  return [...LINKS.filter((link) => link.kind === first), ...LINKS.filter((link) => link.kind !== first)];
}
