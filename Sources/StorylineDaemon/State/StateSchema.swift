import GRDB

/// The schema of `state.sqlite`: named migrations, applied in order and never edited once shipped (a
/// state written by any earlier build is brought up to date when it is opened; `StateRecords.swift`
/// names the columns they make).
extension StateStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY,
                    line TEXT NOT NULL,
                    file TEXT NOT NULL,
                    sha256 TEXT,
                    disposition TEXT NOT NULL,
                    moved INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX events_unmoved ON events(moved) WHERE moved = 0;
                CREATE TABLE articles (
                    number INTEGER PRIMARY KEY,
                    seq INTEGER NOT NULL REFERENCES events(seq),
                    file TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    published TEXT,
                    time INTEGER NOT NULL,
                    story INTEGER NOT NULL,
                    verdict TEXT NOT NULL,
                    duplicate_of INTEGER,
                    measure TEXT,
                    similarity REAL,
                    terms TEXT,
                    words INTEGER NOT NULL,
                    title TEXT NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE INDEX articles_time ON articles(time);
                CREATE INDEX articles_story ON articles(story);
                CREATE TABLE stories (
                    id INTEGER PRIMARY KEY,
                    first_time INTEGER NOT NULL,
                    last_time INTEGER NOT NULL,
                    articles INTEGER NOT NULL
                );
                CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                """)
        }
        migrator.registerMigration("v2: file names as bytes") { db in
            // Names need not be UTF-8; the bytes find the file again, `file` stays for people.
            try db.execute(sql: "ALTER TABLE events ADD COLUMN name BLOB")
        }
        migrator.registerMigration("v3: an id for engine snapshots") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO meta (key, value) VALUES ('state_id', abs(random()))")
        }
        migrator.registerMigration("v4: shingles of each article") { db in
            // The width, then the shingles' low 32 bits in reading order (`CompactFingerprint`), native
            // byte order: read back for an arrival's candidates instead of being held in memory.
            try db.execute(sql: "ALTER TABLE articles ADD COLUMN shingles BLOB")
        }
        migrator.registerMigration("v5: counts without a table scan") { db in
            // The status line's counts at start-up: without these, counting duplicates reads every
            // article's text (1.3 s at 100,000 articles).
            try db.execute(sql: """
                CREATE INDEX articles_duplicates ON articles(number) WHERE verdict = 'duplicate';
                CREATE INDEX events_rejected ON events(seq) WHERE disposition = 'rejected';
                """)
        }
        migrator.registerMigration("v6: when each event was judged") { db in
            // The daemon's own clock, for retention: an article's `time` is the producer's `published`,
            // which is not to be trusted. Rows from before take the `time` of their timeline line (the
            // batch's read time, the same clock); a line without one counts as judged now.
            try db.execute(sql: """
                ALTER TABLE events ADD COLUMN judged_at INTEGER;
                UPDATE events SET judged_at = COALESCE(
                    CAST(ROUND((julianday(CASE WHEN json_valid(line) THEN json_extract(line, '$.time') END)
                        - 2440587.5) * 86400000) AS INTEGER),
                    CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
                CREATE INDEX events_judged ON events(judged_at);
                CREATE INDEX articles_seq ON articles(seq);
                """)
        }
        migrator.registerMigration("v6: numbers and totals that outlive retention") { db in
            // Pruning deletes old rows: the numbers handed out and the status line's totals since the
            // state began are kept here instead of being counted from the tables.
            try db.execute(sql: """
                INSERT OR REPLACE INTO meta (key, value) SELECT 'highest_article', COALESCE(MAX(number), 0) FROM articles;
                INSERT OR REPLACE INTO meta (key, value) SELECT 'highest_story', COALESCE(MAX(story), 0) FROM articles;
                INSERT OR REPLACE INTO meta (key, value) SELECT 'total_articles', COUNT(*) FROM articles;
                INSERT OR REPLACE INTO meta (key, value) SELECT 'total_stories', COUNT(*) FROM stories;
                INSERT OR REPLACE INTO meta (key, value)
                    SELECT 'total_duplicates', COUNT(*) FROM articles WHERE verdict = 'duplicate';
                INSERT OR REPLACE INTO meta (key, value)
                    SELECT 'total_rejected', COUNT(*) FROM events WHERE disposition = 'rejected';
                """)
        }
        migrator.registerMigration("v7: producer dates not believed") { db in
            // Articles dated too far past their arrival, judged as published on arrival: counted in STATUS.
            try db.execute(sql: """
                ALTER TABLE articles ADD COLUMN future_dated INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX articles_future_dated ON articles(number) WHERE future_dated = 1;
                INSERT OR REPLACE INTO meta (key, value) VALUES ('total_future_dated', 0);
                """)
        }
        migrator.registerMigration("v8: which file each event read") { db in
            // A name is reused, a file is not: only the file that was read is moved under its event.
            try db.execute(sql: """
                ALTER TABLE events ADD COLUMN device INTEGER;
                ALTER TABLE events ADD COLUMN inode INTEGER;
                ALTER TABLE events ADD COLUMN size INTEGER;
                ALTER TABLE events ADD COLUMN modified INTEGER;
                """)
        }
        migrator.registerMigration("v9: story summaries") { db in
            // What every line says of its story (`StorySummary`), kept per story so a restart goes on
            // from it and `storyline stories` can list it. Rows from before are labelled with their
            // first article's title where it is still held.
            try db.execute(sql: """
                ALTER TABLE articles ADD COLUMN title_is_headline INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE stories ADD COLUMN label TEXT;
                ALTER TABLE stories ADD COLUMN label_is_headline INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE stories ADD COLUMN first_article INTEGER;
                ALTER TABLE stories ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE stories ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;
                UPDATE stories SET
                    first_article = (SELECT MIN(number) FROM articles WHERE story = stories.id),
                    label = (SELECT title FROM articles WHERE story = stories.id ORDER BY number LIMIT 1),
                    duplicates = (SELECT COUNT(*) FROM articles WHERE story = stories.id AND verdict = 'duplicate');
                CREATE INDEX stories_last_time ON stories(last_time);
                """)
        }
        return migrator
    }
}
