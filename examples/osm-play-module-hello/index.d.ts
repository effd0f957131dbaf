// Types of the hello_file module for TypeScript users of this package. Written by hand to keep the
// package free of a build step; they mirror the TypeBox schema in index.js.
export interface HelloFileArgs {
  path: string;
  name: string;
  greeting?: string;
  mode?: string;
}

export interface HelloFileState {
  content: string | null;
}

export declare function greetingText(args: HelloFileArgs): string;

declare const helloFile: {
  name: 'hello_file';
  doc: string;
  example: string;
  args: unknown;
  gather(host: { readFile(path: string): Promise<string | null> }, args: HelloFileArgs): Promise<HelloFileState>;
  plan(args: HelloFileArgs, state: HelloFileState): { action: string; target: string; summary: string; before?: string; after?: string }[];
  apply(host: { writeFile(path: string, content: string, opts?: { mode?: number }): Promise<void> }, args: HelloFileArgs): Promise<void>;
};
export default helloFile;
