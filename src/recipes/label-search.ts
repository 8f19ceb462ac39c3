import type { SelectQueryBuilder } from 'typeorm';
import type { Recipe } from './recipe.entity.js';

/** `%`, `_` and `\` in a keyword match themselves. */
function likePattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** An FTS5 string: the keyword as one phrase, its double quotes doubled, so no query syntax applies. */
function ftsPhrase(keyword: string): string {
  return `"${keyword.replaceAll('"', '""')}"`;
}

/** The page the caller is after: the same conditions the list query applies. */
export interface PageWindow {
  /** Only ids below this (the cursor). */
  before?: number;
  submitterId?: number;
  /** Rows the page needs. */
  take: number;
}

/**
 * Case-insensitive substring match on the label, served by each engine's index (the RecipeSearch
 * migrations). PostgreSQL: a pg_trgm GIN index on lower(label); the planner weighs it against
 * walking the primary key newest first. SQLite: the FTS5 trigram table, read newest first and
 * only until the page is full. Its trigrams need 3 characters: a shorter keyword scans the table
 * newest first until the page is full.
 */
export function whereLabelContains(
  qb: SelectQueryBuilder<Recipe>,
  keyword: string,
  page: PageWindow,
): void {
  const label = `${qb.alias}.label`;
  if (qb.connection.options.type === 'postgres') {
    qb.andWhere(`lower(${label}) LIKE lower(:pattern) ESCAPE '\\'`, {
      pattern: likePattern(keyword),
    });
  } else if (Array.from(keyword).length < 3) {
    // Code points, as FTS5 counts them; SQLite's own lower() folds only A–Z.
    qb.andWhere(`unicode_lower(${label}) LIKE :pattern ESCAPE '\\'`, {
      pattern: likePattern(keyword.toLowerCase()),
    });
  } else {
    // CROSS JOIN keeps the FTS table the outer loop: matches stream newest first until `take`.
    const matches = [
      'SELECT fts.rowid FROM recipes_fts fts CROSS JOIN recipes candidate ON candidate.id = fts.rowid',
      'WHERE recipes_fts MATCH :phrase',
      page.before !== undefined ? 'AND fts.rowid < :before' : '',
      page.submitterId !== undefined ? 'AND candidate.submitter_id = :submitterId' : '',
      'ORDER BY fts.rowid DESC LIMIT :take',
    ].join(' ');
    qb.andWhere(`${qb.alias}.id IN (${matches})`, {
      phrase: ftsPhrase(keyword),
      before: page.before,
      submitterId: page.submitterId,
      take: page.take,
    });
  }
}
