import type { BuildOptions } from 'esbuild';

export function rendererBuildOptions(root: string): BuildOptions & { entryPoints: string[]; outdir: string };
