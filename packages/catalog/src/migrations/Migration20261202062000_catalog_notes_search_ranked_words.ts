import { Migration } from '@mikro-orm/migrations';

/**
 * Ranked full-text search over hand clips for any query at a million clips, in one plpgsql function.
 *
 * The ranking it serves (the repository's exact SQL states it over every match): a matching clip ranks by the mean,
 * over the query's words (those a match is found through: not the excluded ones), of `ts_rank` of its notes for that
 * word alone, which is the score `hand_clip_lexemes` stores; then by id.
 *
 * `hand_clip_search(q, top)` returns the first `top` matches in that order. A word's score depends only on how often
 * the word occurs in the notes, so each word has a few distinct scores (tiers), found by one index probe each. A
 * clip's rank follows from its tier in each word, or the word's absence, so the function enumerates those
 * combinations best first (those the query's words can match), and reads the clips of each combination in id order
 * (at most as many as are still needed, in batches): the index ranges of the present words' tiers joined on the
 * clip, absent words probed per clip, and the notes checked against the query when it has excluded words or phrases.
 * Combinations of equal rank make one group whose clips are merged by id. It stops once it has `top` clips, so a
 * page costs index reads bounded by the tiers it touches, never a score for every match. When PostgreSQL estimates
 * that few clips (at most 2,000) have two or more of the words, or match the query, those are read at once through
 * the GIN index and ranked from their notes, and only the one-word combinations are read by tier: combinations of
 * several words that seldom occur together are mostly empty, and each would cost a read of its tiers.
 *
 * Fallbacks, exact too: excluded words alone (every match ranks 0) walk the clips in id order, at most 20,000, then
 * the GIN index; a query whose combinations exceed 4,096, or that has tried 48 without filling the page (long lists
 * of common words joined by `or`), scores its remaining matches. Extended statistics on (lexeme, score) let
 * PostgreSQL plan each combination's join for its tiers' real sizes. The function is stable: all its statements
 * see the snapshot of the statement that calls it.
 */
export class Migration20261202062000_catalog_notes_search_ranked_words extends Migration {
  static readonly dependsOn = ['Migration20261201230742_nas_nas_raw_paths_and_scan_runs'];

  override up(): void {
    // The words of a query a match must be found through (those of its indexable part: excluded words dropped),
    // sorted and distinct.
    this.addSql(
      `create function "catalog"."tsquery_words"(q tsquery) returns text[] language sql immutable strict parallel safe
  as $$ select coalesce(tsvector_to_array(string_agg(m[1], ' ')::tsvector), '{}')
  from regexp_matches(querytree(q), '(''(?:[^'']|'''')*'')', 'g') m $$;`,
    );
    // Each (word, score) pair's share of the rows, so each combination's clips are planned for their real number.
    this.addSql(
      `create statistics "catalog"."st_hand_clip_lexemes_lexeme_score" (mcv) on "lexeme", "score" from "catalog"."hand_clip_lexemes";`,
    );
    this.addSql(`analyze "catalog"."hand_clip_lexemes";`);
    // PostgreSQL's estimate of how many live clips match a query (EXPLAIN runs only in a volatile function).
    this.addSql(`create function "catalog"."hand_clips_matching_estimate"(q tsquery)
  returns double precision language plpgsql volatile strict as $fn$
declare
  plan json;
begin
  execute format('explain (format json) select 1 from "catalog"."hand_clips" h'
    ' where h.deleted_at is null and h.notes_search @@ %L::tsquery', q) into plan;
  return (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
end
$fn$;`);
    this.addSql(`create function "catalog"."hand_clip_search"(q tsquery, top integer)
  returns table (clip_id uuid, clip_rank double precision) language plpgsql stable
  -- A page reads a few thousand index entries: starting parallel workers would cost more than they save.
  set max_parallel_workers_per_gather = 0 as $fn$
declare
  words text[] := "catalog"."tsquery_words"(q);
  n integer := cardinality(words);
  -- Which sets of present words can match: the indexable part of the query, phrases read as "all of these words".
  positive tsquery;
  -- Whether a clip with the right words can still fail the query (excluded words, phrases): then it is checked.
  verify boolean;
  -- The tiers, best score first per word: word and score.
  tier_words text[] := '{}';
  tier_scores real[] := '{}';
  s real;
  tiers integer;
  combos bigint := 1;
  tried integer := 0;
  word_queries tsquery[];
  need integer := top;
  -- The combinations the query can match, best first: tier per word (0 for absent), total; how many have 2+ words.
  combo_tiers integer[];
  combo_totals double precision[];
  multi bigint := 0;
  -- When read at once: the clips with two or more of the words that match, best first, and their totals.
  multi_ids uuid[];
  multi_totals double precision[];
  combo_words integer[];
  total double precision;
  r integer;
  cr integer;
  pairs tsquery;
  pairs_estimate double precision;
  query_estimate double precision;
  grp uuid[] := '{}';
  hits uuid[];
  k integer;
  j integer;
  absent_words text[];
  absent_scores real[];
  sql text;
  conds text;
  candidates uuid[];
  kept uuid[];
  last uuid;
  batch integer;
begin
  if top is null or top <= 0 or numnode(q) = 0 then
    return;
  end if;
  if n = 0 then
    -- Excluded words alone: every match ranks 0, so the first matches by id. Walk the clips in id order, testing
    -- each, up to 20,000 of them; a rarer match is found through the GIN index instead.
    select array_agg(p.id order by p.id) into hits from (
      select w.id from (select h.id, h.notes_search, h.deleted_at from "catalog"."hand_clips" h order by h.id
        limit 20000) w
      where w.deleted_at is null and w.notes_search @@ q order by w.id limit top) p;
    if coalesce(cardinality(hits), 0) >= top then
      return query select f.id, 0::double precision from unnest(hits) f(id);
    else
      return query select f.id, 0::double precision from (select h.id from "catalog"."hand_clips" h
        where h.deleted_at is null and h.notes_search @@ q offset 0) f order by f.id limit top;
    end if;
    return;
  end if;
  positive := regexp_replace(querytree(q), ' <(-|[0-9]+)> ', ' & ', 'g')::tsquery;
  verify := q::text <> querytree(q) or querytree(q) ~ ' <(-|[0-9]+)> ';
  for i in 1 .. n loop
    tiers := 0;
    select l.score into s from "catalog"."hand_clip_lexemes" l where l.lexeme = words[i]
      order by l.score desc limit 1;
    while s is not null loop
      tier_words := tier_words || words[i];
      tier_scores := tier_scores || s;
      tiers := tiers + 1;
      select l.score into s from "catalog"."hand_clip_lexemes" l where l.lexeme = words[i] and l.score < s
        order by l.score desc limit 1;
    end loop;
    combos := combos * (tiers + 1);
  end loop;
  word_queries := array(select "catalog"."lexeme_tsquery"(w) from unnest(words) w);
  if combos <= 4096 then
    -- Every combination the query's words can match, best first: its tier per word (0: absent), and its total.
    with recursive t as (
      select w.i, u.k, u.s from unnest(words) with ordinality w(word, i),
        lateral (select x.k, tier_scores[x.k] as s from generate_subscripts(tier_words, 1) x(k)
          where tier_words[x.k] = w.word union all select 0, 0::real) u
    ), combo(i, ks, total, present) as (
      select 0::bigint, '{}'::integer[], 0::double precision, '{}'::text[]
      union all
      select t.i, combo.ks || t.k, combo.total + t.s::double precision,
        combo.present || case when t.k > 0 then array[words[t.i]] else '{}'::text[] end
      from combo join t on t.i = combo.i + 1
    )
    select array_agg(combo.ks order by combo.total desc), array_agg(combo.total order by combo.total desc),
      array_agg(cardinality(combo.present) order by combo.total desc),
      count(*) filter (where cardinality(combo.present) > 1)
    into combo_tiers, combo_totals, combo_words, multi
    from combo where combo.i = n and combo.total > 0 and array_to_tsvector(combo.present) @@ positive;
    -- Combinations of two or more words are often empty when the words seldom occur together (a clip's tier in
    -- each of four common words, say), and each costs a read of its tiers. So when PostgreSQL estimates that at
    -- most 2,000 clips have two or more of the words, or match the query, those clips are read at once through the
    -- GIN index (by the more selective of the two; the other checked per clip; up to 4,000, else this is dropped),
    -- each ranked from its notes, and only the one-word combinations are read by tier.
    if n > 1 and multi > 0 then
      select string_agg(format('(%s & %s)', a.q::text, b.q::text), ' | ')::tsquery into pairs
        from unnest(word_queries) with ordinality a(q, i), unnest(word_queries) with ordinality b(q, i)
        where a.i < b.i;
      pairs_estimate := "catalog"."hand_clips_matching_estimate"(pairs);
      query_estimate := "catalog"."hand_clips_matching_estimate"(q);
    end if;
    if least(pairs_estimate, query_estimate) <= 2000 then
      -- (IS TRUE keeps a condition out of the index scan.)
      select array_agg(m.id order by m.total desc, m.id), array_agg(m.total order by m.total desc, m.id)
        into multi_ids, multi_totals
        from (select h.id, (select sum(ts_rank(h.notes_search, wq)::double precision) from unnest(word_queries) wq)
                as total
              from "catalog"."hand_clips" h
              where pairs_estimate <= query_estimate and h.deleted_at is null and h.notes_search @@ pairs
                and (h.notes_search @@ q) is true
              union all
              select h.id, (select sum(ts_rank(h.notes_search, wq)::double precision) from unnest(word_queries) wq)
              from "catalog"."hand_clips" h
              where pairs_estimate > query_estimate and h.deleted_at is null and h.notes_search @@ q
                and (h.notes_search @@ pairs) is true
              limit 4001) m;
      if coalesce(cardinality(multi_ids), 0) <= 4000 then
        multi_ids := coalesce(multi_ids, '{}');
        multi_totals := coalesce(multi_totals, '{}');
      else
        multi_ids := null;
        multi_totals := null;
      end if;
    end if;
    -- The groups of equal total, best first; each group's clips in id order. The combinations are walked once, in
    -- the same order (those of two or more words skipped when their clips were read at once).
    r := 1;
    for total in select distinct g.t from (
        select c.t from unnest(combo_totals, combo_words) c(t, w) where multi_ids is null or c.w = 1
        union all select unnest(multi_totals)) g(t)
      order by 1 desc
    loop
      grp := '{}';
      if multi_ids is not null then
        select coalesce(array_agg(m.id), '{}') into grp from unnest(multi_ids, multi_totals) m(id, t) where m.t = total;
      end if;
      while r <= cardinality(combo_totals) and combo_totals[r] >= total loop
        r := r + 1;
        continue when multi_ids is not null and combo_words[r - 1] > 1;
        cr := r - 1;
        tried := tried + 1;
        exit when tried > 48;
        -- The clips of this combination in id order, as many as are still needed. Candidates: the clips in every
        -- present word's tier, one index range per word joined on the clip (PostgreSQL plans each combination for its
        -- words and their tiers' sizes: a merge of the ranges, or probes from the smallest), in batches of growing size
        -- after the last one seen. When words must be absent or the query has excluded words or phrases, each batch is
        -- then filtered: one index probe per absent word's tier, and the clip's notes against the query.
        sql := 'select array_agg(x.id order by x.id) from (select t1.hand_clip_id as id'
          ' from "catalog"."hand_clip_lexemes" t1';
        conds := '';
        j := 0;
        absent_words := '{}';
        absent_scores := '{}';
        for i in 1 .. n loop
          k := combo_tiers[cr][i];
          if k = 0 then
            for x in 1 .. cardinality(tier_words) loop
              if tier_words[x] = words[i] then
                absent_words := absent_words || tier_words[x];
                absent_scores := absent_scores || tier_scores[x];
              end if;
            end loop;
          else
            j := j + 1;
            if j = 1 then
              conds := format(' where t1.lexeme = %L and t1.score = %L::real', tier_words[k], tier_scores[k]);
            else
              sql := sql || format(' join "catalog"."hand_clip_lexemes" t%s on t%s.lexeme = %L and t%s.score = %L::real'
                ' and t%s.hand_clip_id = t1.hand_clip_id', j, j, tier_words[k], j, tier_scores[k], j);
            end if;
          end if;
        end loop;
        hits := '{}';
        last := null;
        batch := need;
        loop
          -- After the last batch, every range starts past its last clip.
          execute sql || conds || case when last is null then '' else (select string_agg(format(
              ' and t%s.hand_clip_id > %L', x, last), '') from generate_series(1, j) x) end
            || ' order by t1.hand_clip_id limit $1) x' into candidates using batch;
          exit when candidates is null;
          kept := candidates;
          if verify or cardinality(absent_words) > 0 then
            -- One probe per clip: under CASE and with OFFSET, PostgreSQL can neither make them joins nor hash a whole
            -- word's rows or every matching clip instead.
            -- In id order, and only until enough are kept.
            select coalesce(array_agg(f.id order by f.id), '{}') into kept from (
              select b.id from unnest(candidates) with ordinality b(id, o)
              where case when cardinality(absent_words) = 0 then true else not exists (
                  select 1 from unnest(absent_words, absent_scores) a(w, s) where exists (
                    select 1 from "catalog"."hand_clip_lexemes" m
                    where m.lexeme = a.w and m.score = a.s and m.hand_clip_id = b.id offset 0)) end
                and case when not verify then true else exists (
                  select 1 from "catalog"."hand_clips" h where h.id = b.id and h.notes_search @@ q offset 0) end
              order by b.o limit need - cardinality(hits)) f;
          end if;
          hits := hits || kept;
          exit when cardinality(hits) >= need or cardinality(candidates) < batch;
          last := candidates[cardinality(candidates)];
          batch := batch * 4;
        end loop;
        grp := grp || hits;
      end loop;
      exit when tried > 48;
      return query select g.id, total / n from unnest(grp) g(id) order by g.id limit need;
      need := need - least(need, cardinality(grp));
      exit when need = 0;
    end loop;
  end if;
  -- Too many combinations, or too many tried without a full page: the rest, from every match scored (the best
  -- top - need matches are already returned).
  if need > 0 and (combos > 4096 or tried > 48) then
    return query select h.id,
        (select sum(ts_rank(h.notes_search, wq)::double precision) from unnest(word_queries) wq) / n
      from "catalog"."hand_clips" h where h.deleted_at is null and h.notes_search @@ q
      order by 2 desc, 1 offset top - need limit need;
  end if;
end
$fn$;`);
  }

  override down(): void {
    this.addSql(`drop function "catalog"."hand_clip_search"(tsquery, integer);`);
    this.addSql(`drop function "catalog"."hand_clips_matching_estimate"(tsquery);`);
    this.addSql(`drop statistics "catalog"."st_hand_clip_lexemes_lexeme_score";`);
    this.addSql(`drop function "catalog"."tsquery_words"(tsquery);`);
  }
}
