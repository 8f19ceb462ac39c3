// Table rows as the specs read them through runSql: booleans 0/1, timestamps as UTC text.

/** A row of `users`. */
export interface UserRow {
  id: number;
  email: string;
  hashed_password: string;
  first_name: string | null;
  surname: string | null;
  is_superuser: number;
  is_active: number;
  email_verified: number;
}

/** The columns of `sessions` the specs select. */
export interface SessionRow {
  id: string;
  user_id: number;
  expires_at: string;
  revoked_at: string | null;
}

/** A row of `recipes`. */
export interface RecipeRow {
  id: number;
  label: string;
  source: string | null;
  url: string | null;
  submitter_id: number;
  created_at: string;
  updated_at: string;
}

/** A row of `one_time_tokens` (password reset and email verification links). */
export interface TokenRow {
  id: number;
  user_id: number;
  purpose: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
