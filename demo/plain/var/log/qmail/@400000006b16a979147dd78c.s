@400000006b03e15a08f0d180 status: local 0/10 remote 0/20
@400000006b03e47a00000000 starting delivery 30: msg 918201 to remote erin@example.net
@400000006b03e47a00000000 status: local 0/10 remote 1/20
@400000006b03e47a00000000 new msg 918203
@400000006b03e47a000f4240 info msg 918203: bytes 217 from <carol@example.com> qp 5082 uid 1003
@400000006b03e47a004c4b40 starting delivery 73: msg 918203 to remote nobody@example.org
@400000006b03e47a004c4b40 status: local 0/10 remote 1/20
@400000006b03e47a35f13440 delivery 73: failure: Sorry,_I_couldn't_find_any_host_named_example.org._(#5.1.2)/
@400000006b03e47a35f13440 status: local 0/10 remote 0/20
@400000006b03e47b00000000 warning: trouble injecting bounce message, will try later
@400000006b03e4c500000000 delivery 30: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b03e4c500000000 status: local 0/10 remote 0/20
@400000006b03e64700000000 warning: trouble injecting bounce message, will try later
@400000006b03e7fe00000000 starting delivery 50: msg 918202 to local bob@example.com
@400000006b03e7fe00000000 status: local 1/10 remote 0/20
@400000006b03e7fe08f0d180 delivery 50: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b03e7fe08f0d180 status: local 0/10 remote 0/20
@400000006b03eaf700000000 warning: trouble injecting bounce message, will try later
@400000006b03ef6a00000000 starting delivery 51: msg 918202 to local bob@example.com
@400000006b03ef6a00000000 status: local 1/10 remote 0/20
@400000006b03ef6a08f0d180 delivery 51: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b03ef6a08f0d180 status: local 0/10 remote 0/20
@400000006b03f2c700000000 warning: trouble injecting bounce message, will try later
@400000006b03f79e00000000 starting delivery 52: msg 918202 to local bob@example.com
@400000006b03f79e00000000 status: local 1/10 remote 0/20
@400000006b03f79e08f0d180 delivery 52: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b03f79e08f0d180 status: local 0/10 remote 0/20
@400000006b03f8ca00000000 starting delivery 31: msg 918201 to remote erin@example.net
@400000006b03f8ca00000000 status: local 0/10 remote 1/20
@400000006b03f91500000000 delivery 31: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b03f91500000000 status: local 0/10 remote 0/20
@400000006b03fdb700000000 warning: trouble injecting bounce message, will try later
@400000006b04009a00000000 starting delivery 53: msg 918202 to local bob@example.com
@400000006b04009a00000000 status: local 1/10 remote 0/20
@400000006b04009a00000000 new msg 918204
@400000006b04009a000f4240 info msg 918204: bytes 211 from <dave@example.com> qp 5123 uid 1004
@400000006b04009a004c4b40 starting delivery 74: msg 918204 to remote erin@example.net
@400000006b04009a004c4b40 status: local 0/10 remote 1/20
@400000006b04009a08f0d180 delivery 53: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04009a08f0d180 status: local 0/10 remote 0/20
@400000006b0400e5004c4b40 delivery 74: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b0400e5004c4b40 status: local 0/10 remote 0/20
@400000006b04022a00000000 starting delivery 75: msg 918204 to remote erin@example.net
@400000006b04022a00000000 status: local 0/10 remote 1/20
@400000006b04027500000000 delivery 75: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04027500000000 status: local 0/10 remote 0/20
@400000006b0406da00000000 starting delivery 76: msg 918204 to remote erin@example.net
@400000006b0406da00000000 status: local 0/10 remote 1/20
@400000006b04072500000000 delivery 76: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04072500000000 status: local 0/10 remote 0/20
@400000006b040a5e00000000 starting delivery 54: msg 918202 to local bob@example.com
@400000006b040a5e00000000 status: local 1/10 remote 0/20
@400000006b040a5e08f0d180 delivery 54: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b040a5e08f0d180 status: local 0/10 remote 0/20
@400000006b040bc700000000 warning: trouble injecting bounce message, will try later
@400000006b040eaa00000000 starting delivery 77: msg 918204 to remote erin@example.net
@400000006b040eaa00000000 status: local 0/10 remote 1/20
@400000006b040ef500000000 delivery 77: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b040ef500000000 status: local 0/10 remote 0/20
@400000006b04103a00000000 starting delivery 32: msg 918201 to remote erin@example.net
@400000006b04103a00000000 status: local 0/10 remote 1/20
@400000006b04108500000000 delivery 32: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04108500000000 status: local 0/10 remote 0/20
@400000006b0414ea00000000 starting delivery 55: msg 918202 to local bob@example.com
@400000006b0414ea00000000 status: local 1/10 remote 0/20
@400000006b0414ea08f0d180 delivery 55: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b0414ea08f0d180 status: local 0/10 remote 0/20
@400000006b04199a00000000 starting delivery 78: msg 918204 to remote erin@example.net
@400000006b04199a00000000 status: local 0/10 remote 1/20
@400000006b0419e500000000 delivery 78: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b0419e500000000 status: local 0/10 remote 0/20
@400000006b041cba00000000 new msg 918205
@400000006b041cba000f4240 info msg 918205: bytes 215 from <frank@example.net> qp 5164 uid 7791
@400000006b041cba004c4b40 starting delivery 89: msg 918205 to local alice@example.com
@400000006b041cba004c4b40 status: local 1/10 remote 0/20
@400000006b041cba093d1cc0 delivery 89: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b041cba093d1cc0 status: local 0/10 remote 0/20
@400000006b041cf700000000 warning: trouble injecting bounce message, will try later
@400000006b041d1e00000000 starting delivery 90: msg 918205 to local alice@example.com
@400000006b041d1e00000000 status: local 1/10 remote 0/20
@400000006b041d1e08f0d180 delivery 90: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b041d1e08f0d180 status: local 0/10 remote 0/20
@400000006b041e4a00000000 starting delivery 91: msg 918205 to local alice@example.com
@400000006b041e4a00000000 status: local 1/10 remote 0/20
@400000006b041e4a08f0d180 delivery 91: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b041e4a08f0d180 status: local 0/10 remote 0/20
@400000006b04203e00000000 starting delivery 56: msg 918202 to local bob@example.com
@400000006b04203e00000000 status: local 1/10 remote 0/20
@400000006b04203e00000000 starting delivery 92: msg 918205 to local alice@example.com
@400000006b04203e00000000 status: local 1/10 remote 0/20
@400000006b04203e08f0d180 delivery 56: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04203e08f0d180 status: local 0/10 remote 0/20
@400000006b04203e08f0d180 delivery 92: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b04203e08f0d180 status: local 0/10 remote 0/20
@400000006b0422fa00000000 starting delivery 93: msg 918205 to local alice@example.com
@400000006b0422fa00000000 status: local 1/10 remote 0/20
@400000006b0422fa08f0d180 delivery 93: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b0422fa08f0d180 status: local 0/10 remote 0/20
@400000006b04267e00000000 starting delivery 94: msg 918205 to local alice@example.com
@400000006b04267e00000000 status: local 1/10 remote 0/20
@400000006b04267e08f0d180 delivery 94: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b04267e08f0d180 status: local 0/10 remote 0/20
@400000006b0427aa00000000 starting delivery 79: msg 918204 to remote erin@example.net
@400000006b0427aa00000000 status: local 0/10 remote 1/20
@400000006b0427f500000000 delivery 79: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b0427f500000000 status: local 0/10 remote 0/20
@400000006b042aca00000000 starting delivery 33: msg 918201 to remote erin@example.net
@400000006b042aca00000000 status: local 0/10 remote 1/20
@400000006b042aca00000000 starting delivery 95: msg 918205 to local alice@example.com
@400000006b042aca00000000 status: local 1/10 remote 0/20
@400000006b042aca08f0d180 delivery 95: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b042aca08f0d180 status: local 0/10 remote 0/20
@400000006b042b1500000000 delivery 33: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b042b1500000000 status: local 0/10 remote 0/20
@400000006b042c5a00000000 starting delivery 57: msg 918202 to local bob@example.com
@400000006b042c5a00000000 status: local 1/10 remote 0/20
@400000006b042c5a08f0d180 delivery 57: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b042c5a08f0d180 status: local 0/10 remote 0/20
@400000006b042fde00000000 starting delivery 96: msg 918205 to local alice@example.com
@400000006b042fde00000000 status: local 1/10 remote 0/20
@400000006b042fde08f0d180 delivery 96: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b042fde08f0d180 status: local 0/10 remote 0/20
@400000006b04314700000000 warning: trouble injecting bounce message, will try later
@400000006b0435ba00000000 starting delivery 97: msg 918205 to local alice@example.com
@400000006b0435ba00000000 status: local 1/10 remote 0/20
@400000006b0435ba08f0d180 delivery 97: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b0435ba08f0d180 status: local 0/10 remote 0/20
@400000006b0438da00000000 starting delivery 80: msg 918204 to remote erin@example.net
@400000006b0438da00000000 status: local 0/10 remote 1/20
@400000006b0438da00000000 new msg 918206
@400000006b0438da000f4240 info msg 918206: bytes 215 from <bob@example.com> qp 5205 uid 1002
@400000006b0438da004c4b40 starting delivery 117: msg 918206 to remote nobody@example.org
@400000006b0438da004c4b40 status: local 0/10 remote 1/20
@400000006b0438da35f13440 delivery 117: failure: Sorry,_I_couldn't_find_any_host_named_example.org._(#5.1.2)/
@400000006b0438da35f13440 status: local 0/10 remote 0/20
@400000006b0438db00000000 warning: trouble injecting bounce message, will try later
@400000006b04392500000000 delivery 80: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04392500000000 status: local 0/10 remote 0/20
@400000006b04393e00000000 starting delivery 58: msg 918202 to local bob@example.com
@400000006b04393e00000000 status: local 1/10 remote 0/20
@400000006b04393e08f0d180 delivery 58: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04393e08f0d180 status: local 0/10 remote 0/20
@400000006b043aa700000000 warning: trouble injecting bounce message, will try later
@400000006b043c5e00000000 starting delivery 98: msg 918205 to local alice@example.com
@400000006b043c5e00000000 status: local 1/10 remote 0/20
@400000006b043c5e08f0d180 delivery 98: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b043c5e08f0d180 status: local 0/10 remote 0/20
@400000006b043f5700000000 warning: trouble injecting bounce message, will try later
@400000006b0443ca00000000 starting delivery 99: msg 918205 to local alice@example.com
@400000006b0443ca00000000 status: local 1/10 remote 0/20
@400000006b0443ca08f0d180 delivery 99: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b0443ca08f0d180 status: local 0/10 remote 0/20
@400000006b0446ea00000000 starting delivery 59: msg 918202 to local bob@example.com
@400000006b0446ea00000000 status: local 1/10 remote 0/20
@400000006b0446ea08f0d180 delivery 59: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b0446ea08f0d180 status: local 0/10 remote 0/20
@400000006b04472700000000 warning: trouble injecting bounce message, will try later
@400000006b04487a00000000 starting delivery 34: msg 918201 to remote erin@example.net
@400000006b04487a00000000 status: local 0/10 remote 1/20
@400000006b0448b700000000 warning: trouble injecting bounce message, will try later
@400000006b0448c500000000 delivery 34: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b0448c500000000 status: local 0/10 remote 0/20
@400000006b044bfe00000000 starting delivery 100: msg 918205 to local alice@example.com
@400000006b044bfe00000000 status: local 1/10 remote 0/20
@400000006b044bfe08f0d180 delivery 100: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b044bfe08f0d180 status: local 0/10 remote 0/20
@400000006b044d2a00000000 starting delivery 81: msg 918204 to remote erin@example.net
@400000006b044d2a00000000 status: local 0/10 remote 1/20
@400000006b044d7500000000 delivery 81: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b044d7500000000 status: local 0/10 remote 0/20
@400000006b04521700000000 warning: trouble injecting bounce message, will try later
@400000006b0454fa00000000 starting delivery 101: msg 918205 to local alice@example.com
@400000006b0454fa00000000 status: local 1/10 remote 0/20
@400000006b0454fa00000000 new msg 918207
@400000006b0454fa000f4240 info msg 918207: bytes 212 from <carol@example.com> qp 5246 uid 1003
@400000006b0454fa004c4b40 starting delivery 118: msg 918207 to remote erin@example.net
@400000006b0454fa004c4b40 status: local 0/10 remote 1/20
@400000006b0454fa08f0d180 delivery 101: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b0454fa08f0d180 status: local 0/10 remote 0/20
@400000006b045545004c4b40 delivery 118: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b045545004c4b40 status: local 0/10 remote 0/20
@400000006b04555e00000000 starting delivery 60: msg 918202 to local bob@example.com
@400000006b04555e00000000 status: local 1/10 remote 0/20
@400000006b04555e08f0d180 delivery 60: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04555e08f0d180 status: local 0/10 remote 0/20
@400000006b04568a00000000 starting delivery 119: msg 918207 to remote erin@example.net
@400000006b04568a00000000 status: local 0/10 remote 1/20
@400000006b0456d500000000 delivery 119: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b0456d500000000 status: local 0/10 remote 0/20
@400000006b045b3a00000000 starting delivery 120: msg 918207 to remote erin@example.net
