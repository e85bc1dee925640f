'use client';

import {
  type ActionDraft,
  COMPLAINT_TAGS,
  DIMENSION_NAMES,
  isBadRating,
  MAX_COMMENT,
  RATING_DIMENSIONS,
  RATING_LEVELS,
  RATING_NAMES,
  type RatingLevel,
} from '../lib/cases.ts';
import styles from './Case.module.css';

type Draft = ActionDraft['rating'];

/**
 * 好差评 input: five large choices first (all most people give), then — for a 差评 — what went
 * wrong, the five online dimensions folded away (optional, as on the national platform), and a comment.
 */
export function RatingField({
  id,
  label,
  value,
  onChange,
  error,
  withDimensions,
}: {
  id: string;
  label: string;
  value: Draft;
  onChange: (next: Draft) => void;
  error?: string;
  /** The case's own rating asks for the dimensions too; the rating of a fix does not. */
  withDimensions: boolean;
}) {
  const errId = `${id}-err`;
  const set = (patch: Partial<Draft>) => onChange({ ...value, ...patch });
  const levelChoices = (
    name: string,
    chosen: RatingLevel | undefined,
    pick: (l: RatingLevel) => void,
    first?: string,
  ) =>
    RATING_LEVELS.map((level, i) => (
      <label key={level} className={`${styles.choice} ${styles.ratingChoice}`} data-level={level}>
        <input
          id={i === 0 ? first : undefined}
          type="radio"
          name={name}
          value={level}
          checked={chosen === level}
          onChange={() => pick(level)}
        />
        {RATING_NAMES[level]}
      </label>
    ));
  return (
    <div className={styles.rating} data-testid="rating-field">
      <fieldset className={styles.fieldset} aria-describedby={error ? errId : undefined}>
        <legend className={styles.legend}>{label}</legend>
        <div className={styles.choices}>
          {levelChoices(`${id}-level`, value.level, (level) => set({ level }), id)}
        </div>
        {error && (
          <p id={errId} className={styles.error} role="alert">
            {error}
          </p>
        )}
      </fieldset>
      {value.level !== undefined && isBadRating(value.level) && (
        <fieldset className={styles.fieldset}>
          <legend className={styles.legend}>哪里让您不满意？（可多选）</legend>
          <p className={styles.hint}>部门将联系您核实情况，并在规定时限内整改，整改后请您再评价。</p>
          <div className={styles.choices}>
            {COMPLAINT_TAGS.map((tag) => (
              <label key={tag} className={styles.choice}>
                <input
                  type="checkbox"
                  checked={value.tags.includes(tag)}
                  onChange={(e) =>
                    set({
                      tags: e.target.checked ? [...value.tags, tag] : value.tags.filter((t) => t !== tag),
                    })
                  }
                />
                {tag}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {withDimensions && (
        <details className={styles.dimensions}>
          <summary>分项评价（选填）</summary>
          {RATING_DIMENSIONS.map((dim) => (
            <fieldset key={dim} className={styles.fieldset}>
              <legend className={styles.legend}>{DIMENSION_NAMES[dim]}</legend>
              <div className={styles.choices}>
                {levelChoices(`${id}-${dim}`, value.dimensions[dim], (level) =>
                  set({ dimensions: { ...value.dimensions, [dim]: level } }),
                )}
              </div>
            </fieldset>
          ))}
        </details>
      )}
      <div className={styles.field}>
        <label htmlFor={`${id}-comment`}>想对我们说的话（选填）</label>
        <textarea
          id={`${id}-comment`}
          value={value.comment}
          maxLength={MAX_COMMENT}
          onChange={(e) => set({ comment: e.target.value })}
        />
      </div>
    </div>
  );
}
