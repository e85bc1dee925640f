import type { Metadata } from 'next';
import { RegisterForm } from './RegisterForm.tsx';

export const metadata: Metadata = { title: '注册个人账号' };

export default function RegisterPage() {
  return (
    <div className="container">
      <h1>注册个人账号</h1>
      <p>
        注册时将与人口信息库核验姓名、身份证号码和手机号码（实名认证），并向该手机发送短信验证码，确认是本人操作后才开通账户。通过后即可在全市六个办事厅办事。
      </p>
      <RegisterForm />
    </div>
  );
}
