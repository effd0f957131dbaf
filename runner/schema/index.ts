// The grammar and module docs, for the CLI's `schema` and `doc` commands.
export { playbookSchema } from './playbook.js';
export { argDocs, moduleDoc, moduleMarkdown, modulesMarkdown, typeName, type ArgDoc } from './doc.js';
