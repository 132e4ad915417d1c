// Drives `@infobip-api/sdk` (npm) as its users do; prints what it parsed, as JSON.
//
// `node node_sdk.js SCENARIOS.json BASE_URL` with NODE_PATH (or a node_modules beside it) holding
// the SDK, and INFOBIP_API_KEY / INFOBIP_WRONG_KEY in the environment. The SDK takes the provider's
// JSON as it is and adds a top-level "type": "text" (K3); `send` resolves to the axios response,
// or to the axios error (it never throws), whose `response.data` is the parsed envelope.
'use strict';

const fs = require('fs');
const { Infobip, AuthType } = require('@infobip-api/sdk');

const CLIENT = 'infobip-api-sdk-npm';

function status(value) {
  return {
    group_id: value.groupId,
    group_name: value.groupName,
    id: value.id,
    name: value.name,
    description: value.description,
  };
}

async function send(baseUrl, key, body) {
  const infobip = new Infobip({ baseUrl, apiKey: key, authType: AuthType.ApiKey });
  const answer = await infobip.channels.sms.send(JSON.parse(JSON.stringify(body)));
  if (answer instanceof Error) {
    const response = answer.response || {};
    const details = ((response.data || {}).requestError || {}).serviceException || {};
    return {
      outcome: 'error',
      error_type: answer.name,
      status: response.status === undefined ? null : response.status,
      message_id: details.messageId === undefined ? null : details.messageId,
      text: details.text === undefined ? null : details.text,
      validation_errors: details.validationErrors === undefined ? null : details.validationErrors,
    };
  }
  const data = answer.data;
  return {
    outcome: 'accepted',
    bulk_id: data.bulkId === undefined ? null : data.bulkId,
    messages: data.messages.map((m) => ({
      to: m.to,
      message_id: m.messageId,
      sms_count: m.smsCount === undefined ? null : m.smsCount,
      status: status(m.status),
    })),
  };
}

async function main() {
  const scenarios = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8')).scenarios;
  const baseUrl = process.argv[3];
  const results = [];
  for (const scenario of scenarios) {
    if ((scenario.skip || []).includes(CLIENT)) continue;
    const wrong = scenario.authorization === 'wrong';
    const key = process.env[wrong ? 'INFOBIP_WRONG_KEY' : 'INFOBIP_API_KEY'];
    const result = await send(baseUrl, key, scenario.body);
    results.push(Object.assign(result, { name: scenario.name }));
  }
  process.stdout.write(JSON.stringify({ client: CLIENT, results }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`node_sdk.js: ${error.message}\n`);
  process.exit(1);
});
