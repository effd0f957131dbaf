// Every filter by name, with Ansible's aliases.
import { ansibleMoreFilters } from './ansible-more.js';
import { collectionFilters } from './collections.js';
import { coreFilters } from './core.js';
import { extraFilters } from './extra.js';
import { regexFilters } from './regex.js';
import { serializeFilters } from './serialize.js';
import type { FilterFn } from './types.js';

const filters: Record<string, FilterFn> = { ...coreFilters, ...collectionFilters, ...regexFilters, ...serializeFilters, ...extraFilters, ...ansibleMoreFilters };

export const allFilters: Record<string, FilterFn> = { ...filters, d: filters.default, tojson: filters.to_json };
