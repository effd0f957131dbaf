// Public face of runner/template: the templater, its error type and the omit marker.
export { createTemplater, isTemplated, markUnsafe, OMIT, type Templater } from './templater.js';
export { TemplateError } from './errors.js';
export { truthy, pyStr } from './python.js';
export { toBool } from './filters/core.js';
