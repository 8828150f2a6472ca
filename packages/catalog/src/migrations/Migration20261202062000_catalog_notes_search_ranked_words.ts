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
 * page costs index reads bounded by the tiers it touches, never a score for every match.
 *
 * Fallbacks, both exact: excluded words alone (every match ranks 0) walk the clips in id order, at most 20,000, then
 * the GIN index; a query whose words have so many tiers that their combinations exceed 4,096 scores every match.
 * Extended statistics on (lexeme, score) let PostgreSQL plan each combination's join for its tiers' real sizes.
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
    this.addSql(`create function "catalog"."hand_clip_search"(q tsquery, top integer)
  returns table (clip_id uuid, clip_rank double precision) language plpgsql stable parallel safe
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
  current_total double precision;
  grp uuid[] := '{}';
  hits uuid[];
  c record;
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
  -- Combinations are tried until the page is full, each at the cost of one or a few statements; a query with
  -- more combinations than that budget allows (long lists of words joined by or, which rarely occur together) has
  -- its remaining matches scored instead.
  if combos <= 4096 then
    for c in
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
      select combo.ks, combo.total from combo
      where combo.i = n and combo.total > 0 and array_to_tsvector(combo.present) @@ positive
      order by combo.total desc
    loop
      if current_total is not null and c.total <> current_total then
        return query select g.id, current_total / n from unnest(grp) g(id) order by g.id limit need;
        need := need - least(need, cardinality(grp));
        grp := '{}';
        exit when need = 0;
      end if;
      current_total := c.total;
      tried := tried + 1;
      if tried > 48 then
        grp := '{}';
        current_total := null;
        exit;
      end if;
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
        k := c.ks[i];
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
          select coalesce(array_agg(b.id order by b.id), '{}') into kept from unnest(candidates) b(id)
            where case when cardinality(absent_words) = 0 then true else not exists (
                select 1 from unnest(absent_words, absent_scores) a(w, s) where exists (
                  select 1 from "catalog"."hand_clip_lexemes" m
                  where m.lexeme = a.w and m.score = a.s and m.hand_clip_id = b.id offset 0)) end
              and case when not verify then true else exists (
                select 1 from "catalog"."hand_clips" h where h.id = b.id and h.notes_search @@ q offset 0) end;
        end if;
        hits := hits || kept[1:need - cardinality(hits)];
        exit when cardinality(hits) >= need or cardinality(candidates) < batch;
        last := candidates[cardinality(candidates)];
        batch := batch * 4;
      end loop;
      grp := grp || hits;
    end loop;
    if need > 0 and current_total is not null then
      return query select g.id, current_total / n from unnest(grp) g(id) order by g.id limit need;
      return;
    end if;
  end if;
  if need > 0 and (combos > 4096 or tried > 48) then
    -- The best (top - need) matches are already returned: the rest, from every match scored.
    word_queries := array(select "catalog"."lexeme_tsquery"(w) from unnest(words) w);
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
    this.addSql(`drop statistics "catalog"."st_hand_clip_lexemes_lexeme_score";`);
    this.addSql(`drop function "catalog"."tsquery_words"(tsquery);`);
  }
}
