// Every filter by name, with Ansible's aliases.
import { collectionFilters } from './collections.js';
import { coreFilters } from './core.js';
import { regexFilters } from './regex.js';
import { serializeFilters } from './serialize.js';
import type { FilterFn } from './types.js';

const filters: Record<string, FilterFn> = { ...coreFilters, ...collectionFilters, ...regexFilters, ...serializeFilters };

export const allFilters: Record<string, FilterFn> = { ...filters, d: filters.default, bool: filters.bool };
