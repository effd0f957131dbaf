// systemd_service: Ansible's newer name for the systemd module; the same module under that name.
import { systemdModule } from './systemd.js';

export default systemdModule('systemd_service');
