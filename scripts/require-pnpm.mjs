// Guards against `npm install` at the root: this is a pnpm workspace, and `npm start` / `npm test` install it for you.
const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  console.error(
    'This repository is a pnpm workspace. Run `npm start` or `npm test`: they install pnpm and the dependencies themselves.',
  );
  process.exit(1);
}
