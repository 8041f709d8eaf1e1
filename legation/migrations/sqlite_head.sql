-- written by `python -m legation.migrations.snapshot`; do not edit
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE records (
	id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	certainty VARCHAR, 
	data TEXT NOT NULL, 
	hash VARCHAR NOT NULL, 
	updated_at VARCHAR NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_records_kind ON records (kind);
CREATE TABLE versions (
	record_id VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	kind VARCHAR NOT NULL, 
	data TEXT, 
	hash VARCHAR NOT NULL, 
	changed_at VARCHAR NOT NULL, 
	changed_by VARCHAR NOT NULL, 
	change VARCHAR NOT NULL, 
	PRIMARY KEY (record_id, version)
);
CREATE TABLE persons (
	id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	birth VARCHAR, 
	citizenship VARCHAR, 
	wikidata VARCHAR, 
	certainty VARCHAR, 
	PRIMARY KEY (id)
);
CREATE TABLE aliases (
	person_id VARCHAR NOT NULL, 
	alias VARCHAR NOT NULL
);
CREATE INDEX ix_aliases_person_id ON aliases (person_id);
CREATE INDEX ix_aliases_alias ON aliases (alias);
CREATE TABLE postings (
	id VARCHAR NOT NULL, 
	person_id VARCHAR, 
	person_name VARCHAR, 
	group_name VARCHAR, 
	count INTEGER, 
	role VARCHAR NOT NULL, 
	sending VARCHAR NOT NULL, 
	receiving VARCHAR, 
	post VARCHAR, 
	start_date VARCHAR, 
	end_date VARCHAR, 
	end_year INTEGER, 
	exit_type VARCHAR, 
	reason TEXT, 
	statement VARCHAR, 
	destination VARCHAR, 
	next_role VARCHAR, 
	certainty VARCHAR, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_postings_person_id ON postings (person_id);
CREATE INDEX ix_postings_sending ON postings (sending);
CREATE INDEX ix_postings_receiving ON postings (receiving);
CREATE INDEX ix_postings_exit_type ON postings (exit_type);
CREATE TABLE consequences (
	id VARCHAR NOT NULL, 
	posting_id VARCHAR NOT NULL, 
	type VARCHAR NOT NULL, 
	date VARCHAR, 
	authority VARCHAR, 
	detail TEXT, 
	certainty VARCHAR, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_consequences_posting_id ON consequences (posting_id);
CREATE TABLE measures (
	id VARCHAR NOT NULL, 
	type VARCHAR NOT NULL, 
	actor VARCHAR NOT NULL, 
	target VARCHAR NOT NULL, 
	date VARCHAR, 
	count INTEGER, 
	detail TEXT, 
	reciprocal_of VARCHAR, 
	certainty VARCHAR, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_measures_actor ON measures (actor);
CREATE INDEX ix_measures_target ON measures (target);
CREATE TABLE measure_persons (
	measure_id VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL
);
CREATE INDEX ix_measure_persons_measure_id ON measure_persons (measure_id);
CREATE INDEX ix_measure_persons_person_id ON measure_persons (person_id);
CREATE TABLE contacts (
	id VARCHAR NOT NULL, 
	from_ref VARCHAR NOT NULL, 
	to_ref VARCHAR NOT NULL, 
	channel VARCHAR NOT NULL, 
	outcome VARCHAR NOT NULL, 
	date VARCHAR, 
	count INTEGER NOT NULL, 
	detail TEXT, 
	certainty VARCHAR, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_contacts_from_ref ON contacts (from_ref);
CREATE TABLE sources (
	url VARCHAR NOT NULL, 
	title VARCHAR, 
	publisher VARCHAR, 
	published VARCHAR, 
	accessed VARCHAR, 
	PRIMARY KEY (url)
);
CREATE TABLE record_sources (
	record_id VARCHAR NOT NULL, 
	url VARCHAR NOT NULL, 
	PRIMARY KEY (record_id, url)
)
 WITHOUT ROWID

;
CREATE VIRTUAL TABLE search_index USING fts5(record_id UNINDEXED, kind UNINDEXED, body, tokenize='unicode61 remove_diacritics 2', detail=none);
CREATE TABLE gdelt_files (
	name VARCHAR NOT NULL, 
	location TEXT NOT NULL, 
	size BIGINT NOT NULL, 
	rows_read INTEGER NOT NULL, 
	rows_malformed INTEGER NOT NULL, 
	rows_diplomatic INTEGER NOT NULL, 
	rows_duplicate INTEGER NOT NULL, 
	rows_kept INTEGER NOT NULL, 
	candidates INTEGER NOT NULL, 
	malformed TEXT NOT NULL, 
	widths TEXT NOT NULL, 
	imported_at VARCHAR NOT NULL, 
	imported_by VARCHAR NOT NULL, 
	PRIMARY KEY (name)
);
CREATE TABLE gdelt_events (
	id VARCHAR NOT NULL, 
	date VARCHAR NOT NULL, 
	month VARCHAR NOT NULL, 
	actor VARCHAR NOT NULL, 
	target VARCHAR NOT NULL, 
	actor1_code VARCHAR, 
	actor2_code VARCHAR, 
	code VARCHAR NOT NULL, 
	signal VARCHAR NOT NULL, 
	goldstein_tenths INTEGER, 
	mentions INTEGER NOT NULL, 
	source_url TEXT, 
	date_added VARCHAR NOT NULL, 
	file VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_gdelt_events_dyad ON gdelt_events (actor, target, month);
CREATE TABLE event_dyad_months (
	actor VARCHAR NOT NULL, 
	target VARCHAR NOT NULL, 
	month VARCHAR NOT NULL, 
	code VARCHAR NOT NULL, 
	signal VARCHAR NOT NULL, 
	events INTEGER NOT NULL, 
	mentions INTEGER NOT NULL, 
	goldstein_tenths INTEGER NOT NULL, 
	PRIMARY KEY (actor, target, month, code)
);
CREATE TABLE event_candidates (
	event_id VARCHAR NOT NULL, 
	date VARCHAR NOT NULL, 
	actor VARCHAR NOT NULL, 
	target VARCHAR NOT NULL, 
	code VARCHAR NOT NULL, 
	mentions INTEGER NOT NULL, 
	source_url TEXT, 
	file VARCHAR NOT NULL, 
	PRIMARY KEY (event_id)
);
CREATE INDEX ix_event_candidates_dyad ON event_candidates (actor, target);
CREATE TABLE review_queue (
	id VARCHAR NOT NULL, 
	source_id VARCHAR NOT NULL, 
	section VARCHAR NOT NULL, 
	data TEXT NOT NULL, 
	status VARCHAR NOT NULL, 
	created_at VARCHAR NOT NULL, 
	created_by VARCHAR NOT NULL, 
	decided_at VARCHAR, 
	decided_by VARCHAR, 
	records TEXT, reason TEXT, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_review_queue_status ON review_queue (status);
CREATE TABLE feed_entries (
	url VARCHAR NOT NULL, 
	feed VARCHAR NOT NULL, 
	title VARCHAR, 
	content_hash VARCHAR, 
	outcome VARCHAR NOT NULL, 
	reviews TEXT NOT NULL, 
	seen_at VARCHAR NOT NULL, 
	PRIMARY KEY (url)
);
CREATE INDEX ix_feed_entries_content_hash ON feed_entries (content_hash);
CREATE INDEX ix_versions_changed_at ON versions (changed_at);
INSERT INTO alembic_version (version_num) VALUES ('0004_feed_entries');
