// What modules share so each stays small. Import from here.
export { argvSummary, wouldRun } from './argv.js';
export { applyAttributes, attributeChanges, gatherAttributes, type AttributeChange, type AttributeState, type WantedAttributes } from './attributes.js';
export { changesDiff, fileChange, unifiedDiff, type FileContentChange } from './diff.js';
export { formatMode, parseMode } from './mode.js';
export { resolveOwner } from './owner.js';
export { FileChangedError, moveIntoPlace, validateArgv, writeValidated, type WriteValidatedOptions, type WrittenFile } from './write-validated.js';
