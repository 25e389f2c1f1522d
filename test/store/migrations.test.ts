import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, migrations, type Migration } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('apply once at first open and are a no-op on reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitrep-migrations-'));
    dirs.push(dir);
    const path = join(dir, 'sitrep.db');

    const first = openDatabase(path);
    expect(first.pragma('user_version', { simple: true })).toBe(migrations.length);
    first.close();

    const second = new Database(path);
    expect(applyMigrations(second)).toEqual([]);
    expect(applyMigrations(second)).toEqual([]);
    expect(second.pragma('user_version', { simple: true })).toBe(migrations.length);
    second.close();
  });

  it('apply only the steps appended since the last open', () => {
    const db = new Database(':memory:');
    const steps: Migration[] = [{ name: 'one', sql: 'CREATE TABLE one (x INTEGER)' }];
    expect(applyMigrations(db, steps)).toEqual([1]);
    steps.push({ name: 'two', sql: 'CREATE TABLE two (y INTEGER)' });
    expect(applyMigrations(db, steps)).toEqual([2]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(['one', 'two']);
    db.close();
  });

  it('roll a failing step back whole, version included', () => {
    const db = new Database(':memory:');
    const steps: Migration[] = [
      { name: 'ok', sql: 'CREATE TABLE ok (x INTEGER)' },
      { name: 'broken', sql: 'CREATE TABLE half (x INTEGER); CREATE TABLE ok (x INTEGER)' },
    ];
    expect(() => applyMigrations(db, steps)).toThrow(/already exists/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    db.close();
  });

  it('leave items one index besides its id, on fetched_at, which pruning and the digest read', () => {
    const db = openDatabase(':memory:');
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' AND sql IS NOT NULL").pluck().all();
    expect(indexes).toEqual(['items_fetched_at']);
    const plan = db.prepare('EXPLAIN QUERY PLAN DELETE FROM items WHERE fetched_at < 1').all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/USING (COVERING )?INDEX items_fetched_at/);
    db.close();
  });

  it('refuse a database written by a newer schema', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${migrations.length + 1}`);
    expect(() => applyMigrations(db)).toThrow(/newer than this sitrep/);
    db.close();
  });

  it('carry a database of the first release forward: items searchable, band keys kept and removed with their item', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    // The first release's schema (base, topics, delivery), with one clustered item in it.
    const firstRelease = migrations.findIndex((m) => m.name.startsWith('full-text index written once'));
    applyMigrations(db, migrations.slice(0, firstRelease));
    db.exec(`
      INSERT INTO items (id, feed_id, title, summary, published_at, fetched_at) VALUES ('a', 'f', 'Goma ceasefire holds', '', 1, 1);
      INSERT INTO clusters (id, representative_id, first_published_at, updated_at, created_at) VALUES ('a', 'a', 1, 1, 1);
      INSERT INTO cluster_items (item_id, cluster_id, feed_id, published_at, added_at, title_words, words) VALUES ('a', 'a', 'f', 1, 1, 'goma', 'goma');
      INSERT INTO bands (band, hash, published_at, item_id) VALUES (0, 11, 1, 'a'), (1, 12, 1, 'a');
    `);
    applyMigrations(db);
    expect(db.prepare("SELECT rowid FROM items_fts WHERE items_fts MATCH 'ceasefire'").pluck().all()).toHaveLength(1);
    expect(db.prepare('SELECT count(*) FROM bands').pluck().get()).toBe(2);
    db.exec("DELETE FROM items WHERE id = 'a'");
    expect(db.prepare('SELECT count(*) FROM bands').pluck().get()).toBe(0);
    db.close();
  });
});
