// reboot: refused on purpose. osm-play manages hosts that carry customers' containers; a reboot is an
// operator's decision, not a playbook step, and over lxc or local it would reboot the machine running us.
import { Type } from '@sinclair/typebox';
import { defineReadOnlyModule, ModuleError } from '../runner/module.js';

const args = Type.Object(
  {
    msg: Type.Optional(Type.String({ description: 'Accepted for compatibility; the module refuses anyway.' })),
    reboot_timeout: Type.Optional(Type.Integer({ description: 'Accepted for compatibility.' })),
    pre_reboot_delay: Type.Optional(Type.Integer({ description: 'Accepted for compatibility.' })),
    post_reboot_delay: Type.Optional(Type.Integer({ description: 'Accepted for compatibility.' })),
    test_command: Type.Optional(Type.String({ description: 'Accepted for compatibility.' })),
  },
  { additionalProperties: false },
);

export const REBOOT_REFUSAL =
  'reboot: osm-play does not reboot hosts. A host carries customers\' containers, so a reboot is an operator\'s decision: ' +
  'reboot it by hand (or with `command: systemctl reboot` under `when:` if you really mean it), then run the playbook again. ' +
  'Over a local or lxc connection it would reboot the machine running osm-play.';

export default defineReadOnlyModule({
  name: 'reboot',
  doc: 'Refused on purpose, with an explanation: osm-play never reboots hosts (they carry customers\' containers, and over local/lxc connections it would reboot the controller). Reboot by hand and re-run.',
  example: ['# refused: reboot the host by hand, then run the playbook again', '- reboot:'].join('\n'),
  args,
  async gather() {
    throw new ModuleError(REBOOT_REFUSAL);
  },
});
