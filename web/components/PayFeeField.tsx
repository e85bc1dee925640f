'use client';

/**
 * The fee at 准予 of an item that charges afterwards: the category the standard lists (住宅 /
 * 非住宅 …), or the amount by the rule, or the 减免 condition that applies (then no notice). A fixed
 * fee needs nothing and shows what the notice will ask.
 */
import type { PaymentView } from '../../functions/domain/payment.ts';
import type { ActionDraft } from '../lib/cases.ts';
import styles from './Case.module.css';
import { yuanText } from './PayPanel.tsx';

export function PayFeeField({
  id,
  label,
  payment,
  value,
  onChange,
  errorLine,
}: {
  id: string;
  label: string;
  payment: PaymentView;
  value: ActionDraft['fee'];
  onChange: (fee: ActionDraft['fee']) => void;
  errorLine?: React.ReactNode;
}) {
  const set = (patch: Partial<ActionDraft['fee']>) => onChange({ ...value, ...patch });
  return (
    <fieldset className={styles.fieldset} data-testid="fee-field">
      <legend className={styles.legend}>{label}</legend>
      <p>收费标准：{payment.standard}</p>
      {payment.options.length === 1 ? (
        <p>
          准予后将向申请人发出缴款通知书：{payment.options[0].label} {yuanText(payment.options[0].fen)}
        </p>
      ) : payment.options.length > 1 ? (
        <div className={styles.choices}>
          {payment.options.map((o, i) => (
            <label key={o.id} className={styles.choice}>
              <input
                id={i === 0 ? id : undefined}
                type="radio"
                name={`${id}-option`}
                value={o.id}
                checked={value.option === o.id}
                onChange={() => set({ option: o.id })}
              />
              {o.label} {yuanText(o.fen)}
            </label>
          ))}
        </div>
      ) : (
        <div className={styles.field}>
          <label htmlFor={id}>应收金额（元）</label>
          <input
            id={id}
            inputMode="decimal"
            value={value.yuan}
            onChange={(e) => set({ yuan: e.target.value })}
            placeholder="如 300.00"
          />
        </div>
      )}
      <div className={styles.field}>
        <label htmlFor={`${id}-waiver`}>符合减免条件的，写明条件和理由（填写则不收费）</label>
        <input
          id={`${id}-waiver`}
          value={value.waiver}
          maxLength={200}
          onChange={(e) => set({ waiver: e.target.value })}
        />
        {payment.reductions.length > 0 && <p>减免条件：{payment.reductions.join('；')}</p>}
      </div>
      {errorLine}
    </fieldset>
  );
}
