// ufw's own output, captured from ufw 0.36.2 on this machine (inside a private netns + copy of
// /etc/ufw): the one set of samples the ufw parser and the ufw_rule/ufw_state plans are tested on.

/** `ufw show added` with rules recorded (what an inactive ufw reports). */
export const SHOW_ADDED = `Added user rules (see 'ufw status' for running firewall):
ufw allow 8883/tcp comment 'mqtt acme'
ufw allow from 10.0.3.0/24 to any port 22 proto tcp comment 'ssh lab'
ufw deny 53/udp
ufw limit 2222/tcp
ufw reject from 192.168.1.5 to any port 25 proto tcp
ufw allow 9000
ufw allow from 2001:db8::/32 to any port 443 proto tcp
`;

/** `ufw show added` with no rules. */
export const SHOW_ADDED_NONE = "Added user rules (see 'ufw status' for running firewall):\n(None)\n";

/** `ufw status verbose` of an active ufw: v4 and v6 twins, an interface rule, out and routed rules. */
export const STATUS_ACTIVE = `Status: active
Logging: on (medium)
Default: deny (incoming), allow (outgoing), disabled (routed)
New profiles: skip

To                         Action      From
--                         ------      ----
8883/tcp                   ALLOW IN    Anywhere                   # mqtt acme
22/tcp                     ALLOW IN    10.0.3.0/24                # ssh lab
53/udp                     DENY IN     Anywhere                  
2222/tcp                   LIMIT IN    Anywhere                  
25/tcp                     REJECT IN   192.168.1.5               
9000                       ALLOW IN    Anywhere                  
80/tcp on eth0             ALLOW IN    Anywhere                  
Anywhere                   ALLOW IN    1.2.3.4                   
8883/tcp (v6)              ALLOW IN    Anywhere (v6)              # mqtt acme
443/tcp                    ALLOW IN    2001:db8::/32             

53                         ALLOW OUT   Anywhere                  
8080/tcp                   ALLOW FWD   Anywhere                  
`;

/** `ufw status verbose` of an inactive ufw: nothing but the status line. */
export const STATUS_INACTIVE = 'Status: inactive\n';
