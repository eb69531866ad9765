-- The full-text, tag and format indexes that search reads take new entries straight into the index, not into GIN's
-- pending list. With the list on, every search scanned the whole unsorted list (after publishing 50,000 datasets,
-- about 290 pages: 1.4 ms of a 1.8 ms search) until a vacuum merged it. Publishing is rare and small; searching is not.
ALTER INDEX opendata_dataset_words_vector_idx SET (fastupdate = off);
ALTER INDEX opendata_dataset_search_vector_idx SET (fastupdate = off);
ALTER INDEX opendata_dataset_search_tags_idx SET (fastupdate = off);
ALTER INDEX opendata_dataset_search_formats_idx SET (fastupdate = off);
SELECT gin_clean_pending_list(i::regclass) FROM unnest(ARRAY['opendata_dataset_words_vector_idx', 'opendata_dataset_search_vector_idx',
  'opendata_dataset_search_tags_idx', 'opendata_dataset_search_formats_idx']) AS i;
